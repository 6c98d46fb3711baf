export { type GuardedPostOptions, guardedPost, type PostResult } from "./guardedPost";
export { decodeBase64, generateSecretKey, MIN_WEBHOOK_SECRET_BYTES, randomnessProblem, webhookSecretProblem } from "./keyMaterial";
export {
  assertAddressAllowed,
  isNonPublicAddress,
  type OutboundPolicy,
  OutboundPolicyError,
  parseOutboundPolicy,
  portOfUrl,
  type ResolveAll,
  webhookUrlProblem,
} from "./outboundPolicy";
export { type ReceivedRequest, type Receiver, type ScriptedResponse, startReceiver } from "./receiver";
export { SecretBox, SecretDecryptError, SecretKeyError } from "./secretBox";
export { escapeSlackText } from "./slackText";
export {
  generateSecret,
  type SignedHeaders,
  sign,
  signedHeaders,
  verify,
  WebhookVerificationError,
} from "./standardWebhooks";

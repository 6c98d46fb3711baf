export { type GuardedPostOptions, guardedPost, type PostResult } from "./guardedPost";
export {
  assertAddressAllowed,
  isNonPublicAddress,
  type OutboundPolicy,
  OutboundPolicyError,
  parseOutboundPolicy,
} from "./outboundPolicy";
export { type ReceivedRequest, type Receiver, type ScriptedResponse, startReceiver } from "./receiver";
export { SecretBox } from "./secretBox";
export {
  generateSecret,
  type SignedHeaders,
  sign,
  signedHeaders,
  verify,
  WebhookVerificationError,
} from "./standardWebhooks";

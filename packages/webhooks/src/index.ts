export {
  generateSecret,
  type SignedHeaders,
  sign,
  signedHeaders,
  verify,
  WebhookVerificationError,
} from "./standardWebhooks";

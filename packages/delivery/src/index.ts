// Delivery state shared by the notifier (which sends), the api and the CLI (which manage it):
// subscriptions, silences, routing decisions, the alert log and the delivery queue, all in Redis.
export { AlertLog, type AlertQuery, type StreamEntry } from "./alertLog";
export { DeliveryAdmin, type FailedDelivery } from "./deliveryAdmin";
export { DeliveryJobData, deliveryQueueName, jobIdFor } from "./deliveryJobs";
export { DEFAULT_RETRY_SCHEDULE_MS, parseRetryAfter, parseRetrySchedule, retryDelayMs } from "./retrySchedule";
export {
  alertFingerprint,
  DEFAULT_STATE_RETENTION_MS,
  inhibitionScope,
  RoutingOutcome,
  RoutingState,
  type RoutingStateOptions,
} from "./routingState";
export { type ShareEntity, type SharesRange, SharesStore } from "./sharesStore";
export { NewSilence, Silence, SilenceMatchers, SilenceStore, silenceMatches } from "./silenceStore";
export {
  matches,
  type NewSubscription,
  publicSubscription,
  type SubscriptionPatch,
  SubscriptionStore,
  signingSecrets,
} from "./subscriptionStore";

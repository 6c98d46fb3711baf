// Delivery state shared by the notifier (which sends), the api and the CLI (which manage it):
// subscriptions, silences, routing decisions, the alert log and the delivery queue, all in Redis.
export { AlertLog, type AlertQuery, type StreamEntry } from "./alertLog";
export { OutboundPolicyEnv, SecretKeyEnv } from "./configEnv";
export { DeliveryAdmin, type FailedDelivery } from "./deliveryAdmin";
export { DeliveryJobData, deliveryQueueName, jobIdFor } from "./deliveryJobs";
export { type Listed, type Page, paginate } from "./pagination";
export { DEFAULT_RETRY_SCHEDULE_MS, parseRetryAfter, parseRetrySchedule, retryDelayMs } from "./retrySchedule";
export { alertFingerprint, digestEventId, eventIdFor, inhibitionScope } from "./routing/alertIdentity";
export {
  type DeliveryJobSpec,
  decideRouting,
  decideSend,
  deferralMs,
  digestJob,
  inhibitorOf,
  matchingPairs,
  type PairState,
  pairKey,
  type RoutingDecision,
  type RoutingInput,
  type RoutingPolicy,
  type RoutingSnapshot,
  SETTLED_OUTCOMES,
  type SendDecision,
  type SendInput,
  silencing,
} from "./routing/decideRouting";
export { RoutingOutcome } from "./routing/routingOutcome";
export { DEFAULT_STATE_RETENTION_MS, RoutingState, type RoutingStateOptions } from "./routingState";
export { type ShareEntity, type SharesRange, SharesStore } from "./sharesStore";
export {
  DEFAULT_SILENCE_MAX_MS,
  NewSilence,
  Silence,
  SilenceMatchers,
  SilenceStore,
  type SilenceStoreOptions,
  silenceMatches,
} from "./silenceStore";
export {
  maskedUrl,
  matches,
  type NewSubscription,
  publicSubscription,
  type SubscriptionPatch,
  SubscriptionStore,
  type SubscriptionStoreOptions,
  signingSecrets,
  type UnreadableSubscription,
  UnreadableSubscriptionError,
} from "./subscriptionStore";

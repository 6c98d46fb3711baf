export { AlertLog, type AlertQuery, type StreamEntry } from "./alertLog";
export { DeliveryAdmin, type FailedDelivery } from "./deliveryAdmin";
export { DeliveryJobData, deliveryQueueName } from "./deliveryJobs";
export { type NotifierHandle, type NotifierOptions, startNotifier } from "./notifier";
export { DEFAULT_RETRY_SCHEDULE_MS, parseRetryAfter, parseRetrySchedule, retryDelayMs } from "./retrySchedule";
export { alertFingerprint, inhibitionScope, RoutingOutcome, RoutingState } from "./routingState";
export { NewSilence, Silence, SilenceMatchers, SilenceStore, silenceMatches } from "./silenceStore";
export { matches, type NewSubscription, type SubscriptionPatch, SubscriptionStore } from "./subscriptionStore";
export { DeliveryError, digestEventId, eventIdFor, sendToSubscription, slackBody, webhookBody } from "./webhookDelivery";

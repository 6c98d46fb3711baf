export { type NotifierHandle, type NotifierOptions, startNotifier } from "./notifier";
export { DeliveryError, digestEventId, eventIdFor, sendToSubscription, slackBody, webhookBody } from "./webhookDelivery";

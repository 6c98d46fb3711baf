export { type NotifierHandle, type NotifierOptions, startNotifier } from "./notifier";
export { matches, type NewSubscription, SubscriptionStore } from "./subscriptionStore";
export { DeliveryError, eventIdFor, postWebhook, webhookBody } from "./webhookDelivery";

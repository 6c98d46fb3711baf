export { type InboxOptions, ingestMetrics, startInboxWatcher } from "./inboxWatcher";

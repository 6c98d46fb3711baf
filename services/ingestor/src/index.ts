export { type FeedLayout, type ReadFeedOptions, readFeed, type SourceRow } from "./feedReader";
export { type InboxOptions, ingestMetrics, startInboxWatcher } from "./inboxWatcher";
export { type IngestOptions, type IngestReport, ingestFile } from "./ingestFile";
export { detectDelimiter, sniffBytes } from "./sniff";

export { type CsvRow, type CsvRowsOptions, csvRows } from "./csvRows";
export { type InboxOptions, startInboxWatcher } from "./inboxWatcher";
export { type IngestOptions, type IngestReport, ingestFile } from "./ingestFile";

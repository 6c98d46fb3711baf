export { type CsvRow, csvRows, type CsvRowsOptions } from "./csvRows";
export { type IngestOptions, type IngestReport, ingestFile } from "./ingestFile";
export { type InboxOptions, startInboxWatcher } from "./inboxWatcher";

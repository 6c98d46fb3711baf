export { type FeedLayout, type ReadFeedOptions, readFeed, type SourceRow } from "./feedReader";
export { Decode, LineCap, type OversizedLine } from "./lineCap";
export { type FeedOrigin, ingestRejection, rawRecordOf, readMappingFile, type SourceProblem, type SourceRecord } from "./rawRecords";
export { detectDelimiter, excerpt, type Sniffed, sniffBytes } from "./sniff";

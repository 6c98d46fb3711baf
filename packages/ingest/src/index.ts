export { type IngestOptions, type IngestReport, ingestFile } from "./ingestFile";
export { rawMessage } from "./rawMessage";

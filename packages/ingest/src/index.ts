export { type IngestOptions, type IngestReport, ingestFile } from "./ingestFile";

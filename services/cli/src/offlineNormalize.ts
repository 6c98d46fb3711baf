import { readMappingFile } from "@entrepot/feeds";
import type { Format } from "@entrepot/normalize";
import { normalizeFile, type OfflineReport } from "@entrepot/offline";
import type { Feed } from "@entrepot/schemas";
import { cliNormalizeOptions } from "./cliEnv";

export interface OfflineNormalizeOptions {
  file: string;
  out: string;
  rejects: string;
  feed?: Feed;
  format?: Exclude<Format, "mapping">;
  /** path of a mapping file (JSON) */
  mapping?: string;
}

/**
 * `entrepot normalize`: `normalizeFile` (packages/offline: the pipeline's reading, normalize
 * stage and revisions, without Kafka or Redis) with the normalizer service's settings from
 * `env` (`ENTREPOT_FX_TO_USD`) and the mapping file read.
 */
export async function offlineNormalize(options: OfflineNormalizeOptions, env: NodeJS.ProcessEnv = process.env): Promise<OfflineReport> {
  const { mapping, ...rest } = options;
  return normalizeFile({ ...rest, ...(mapping ? { mapping: readMappingFile(mapping) } : {}), normalize: cliNormalizeOptions(env) });
}

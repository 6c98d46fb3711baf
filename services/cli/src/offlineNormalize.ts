import { randomBytes } from "node:crypto";
import { renameSync, rmSync } from "node:fs";
import { basename, dirname, join } from "node:path";
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

/** A temporary name beside `path` (same folder: the final rename stays on one file system). */
function tempBeside(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(3).toString("hex")}.tmp`);
}

/**
 * `entrepot normalize`: `normalizeFile` (packages/offline: the pipeline's reading, normalize
 * stage and revisions, without Kafka or Redis) with the normalizer service's settings from
 * `env` (`ENTREPOT_FX_TO_USD`) and the mapping file read. Both outputs are written to temporary
 * files renamed over `out` and `rejects` at the end: a failure leaves the previous files untouched.
 */
export async function offlineNormalize(options: OfflineNormalizeOptions, env: NodeJS.ProcessEnv = process.env): Promise<OfflineReport> {
  const { mapping, out, rejects, ...rest } = options;
  const temp = { out: tempBeside(out), rejects: tempBeside(rejects) };
  try {
    const report = await normalizeFile({
      ...rest,
      out: temp.out,
      rejects: temp.rejects,
      ...(mapping ? { mapping: readMappingFile(mapping) } : {}),
      normalize: cliNormalizeOptions(env),
    });
    renameSync(temp.out, out);
    renameSync(temp.rejects, rejects);
    return report;
  } finally {
    rmSync(temp.out, { force: true });
    rmSync(temp.rejects, { force: true });
  }
}

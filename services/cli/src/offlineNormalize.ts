import { randomBytes } from "node:crypto";
import { renameSync, rmSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { readMappingFile } from "@entrepot/feeds";
import { type Format, FxRates, type NormalizeOptions } from "@entrepot/normalize";
import { normalizeFile, type OfflineReport } from "@entrepot/offline";
import { type Feed, RevenueBasis } from "@entrepot/schemas";
import { cliNormalizeOptions } from "./cliEnv";
import { UsageError } from "./usage";

export interface OfflineNormalizeOptions {
  file: string;
  out: string;
  rejects: string;
  feed?: Feed;
  format?: Exclude<Format, "mapping">;
  /** path of a mapping file (JSON) */
  mapping?: string;
  /** `--fx` / `--basis` */
  flags?: NormalizeFlags;
}

/** The normalization flags of the offline commands, as typed on the command line. */
export interface NormalizeFlags {
  /** `EUR=1.08,TWD=0.031`: rates to USD, over those of `ENTREPOT_FX_TO_USD` (same parser) */
  fx?: string | undefined;
  /** basis of revenue rows without a `basis` value (`RevenueBasis`: billing, shipping, customer, headquarters, end_customer) */
  basis?: string | undefined;
}

/**
 * The normalize options of an offline command: the normalizer service's settings from `env`
 * (`ENTREPOT_FX_TO_USD`), then the flags: `--fx` rates (parsed as the variable is) over the
 * variable's, `--basis` as the default basis. A malformed flag is a `UsageError` naming it.
 */
export function offlineNormalizeOptions(flags: NormalizeFlags, env: NodeJS.ProcessEnv = process.env): NormalizeOptions {
  const options = cliNormalizeOptions(env);
  if (flags.fx !== undefined) {
    const fx = FxRates.safeParse(flags.fx);
    if (!fx.success) throw new UsageError(`--fx: ${fx.error.issues[0]?.message ?? "expected CUR=rate pairs"}`);
    options.fxToUsd = { ...options.fxToUsd, ...fx.data };
  }
  if (flags.basis !== undefined) {
    const basis = RevenueBasis.safeParse(flags.basis);
    if (!basis.success) throw new UsageError(`--basis: expected one of ${RevenueBasis.options.join(", ")}; got "${flags.basis}"`);
    options.defaultBasis = basis.data;
  }
  return options;
}

/** A temporary name beside `path` (same folder: the final rename stays on one file system). */
function tempBeside(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(3).toString("hex")}.tmp`);
}

/**
 * `entrepot normalize`: `normalizeFile` (packages/offline: the pipeline's reading, normalize
 * stage and revisions, without Kafka or Redis) with the normalizer service's settings from
 * `env` (`ENTREPOT_FX_TO_USD`) and the flags (`offlineNormalizeOptions`), and the mapping file read. Both outputs are written to temporary
 * files renamed over `out` and `rejects` at the end: a failure leaves the previous files untouched.
 */
export async function offlineNormalize(options: OfflineNormalizeOptions, env: NodeJS.ProcessEnv = process.env): Promise<OfflineReport> {
  const { mapping, flags, out, rejects, ...rest } = options;
  const temp = { out: tempBeside(out), rejects: tempBeside(rejects) };
  try {
    const report = await normalizeFile({
      ...rest,
      out: temp.out,
      rejects: temp.rejects,
      ...(mapping ? { mapping: readMappingFile(mapping) } : {}),
      normalize: offlineNormalizeOptions(flags ?? {}, env),
    });
    renameSync(temp.out, out);
    renameSync(temp.rejects, rejects);
    return report;
  } finally {
    rmSync(temp.out, { force: true });
    rmSync(temp.rejects, { force: true });
  }
}

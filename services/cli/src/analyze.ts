import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { readMappingFile } from "@entrepot/feeds";
import { FORMATS, type Format } from "@entrepot/normalize";
import { analyzeExitCode, analyzeFiles, formatAnalysis, type StageFileOptions } from "@entrepot/offline";
import { Feed } from "@entrepot/schemas";
import { writeAnalysisFiles } from "./analyzeReport";
import { offlineNormalizeOptions } from "./offlineNormalize";
import { rulesOption } from "./rulesOption";

type Layout = Exclude<Format, "mapping">;
const isLayout = (v: string): v is Layout => v !== "mapping" && (FORMATS as readonly string[]).includes(v);

/** How feed files are read: `--feed`, `--format` (a layout instead of detection), `--mapping` (a JSON column mapping), as `normalize` and `ingest` take them. */
function readingOptions(values: { feed?: string | undefined; format?: string | undefined; mapping?: string | undefined }) {
  const reading: Omit<StageFileOptions, "ingestRun"> = {};
  if (values.feed !== undefined) {
    const feed = Feed.safeParse(values.feed);
    if (!feed.success) throw new AnalyzeUsageError(`--feed: expected one of ${Feed.options.join(", ")}; got "${values.feed}"`);
    reading.feed = feed.data;
  }
  if (values.format !== undefined) {
    if (!isLayout(values.format)) throw new AnalyzeUsageError(`--format: unknown layout "${values.format}"`);
    reading.format = values.format;
  }
  if (values.mapping !== undefined) reading.mapping = readMappingFile(resolve(values.mapping));
  return reading;
}

/**
 * `entrepot analyze <files...> [--rules r.yaml] [--feed F] [--format F] [--mapping m.json]
 * [--fx EUR=1.08,...] [--basis B] [--json] [--html report.html] [--shares out.csv]`: human output (per file its counts and coverage of
 * reported totals, share tables, what was not judged, alerts) or, with --json, JSON lines: one
 * `{"type":"summary",...}` per file (read, clean, rejected by reason, coverage against reported
 * totals), one `{"type":"not_judged",...}` per company, basis and region with periods no rule
 * could judge, then one alert per line (the alert schema). Files are feed files, read as
 * `normalize` / `ingest` read them, or clean JSON lines (`entrepot normalize --out clean.jsonl`).
 * Normalizes with the normalizer's settings (`ENTREPOT_FX_TO_USD`, `--fx` over it) and `--basis`
 * for rows without one. `--html` writes the self-contained report, `--shares` the shares as CSV.
 * Exit codes: `ANALYZE_EXIT` (0; 4 when nothing was read or a file yields no usable row, the CLI's
 * `EXIT.noUsableRow`).
 */
export async function analyzeCommand(
  args: readonly string[],
  print: (line: string) => void,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    options: {
      rules: { type: "string" },
      json: { type: "boolean" },
      feed: { type: "string" },
      format: { type: "string" },
      mapping: { type: "string" },
      fx: { type: "string" },
      basis: { type: "string" },
      html: { type: "string" },
      shares: { type: "string" },
    },
    allowPositionals: true,
  });
  if (positionals.length === 0) throw new AnalyzeUsageError("analyze needs at least one file");
  const rules = rulesOption(values.rules);
  const result = await analyzeFiles({
    files: positionals.map((f) => resolve(f)),
    rules,
    reading: readingOptions(values),
    normalize: offlineNormalizeOptions({ fx: values.fx, basis: values.basis }, env),
  });
  if (values.json) {
    for (const f of result.files) print(JSON.stringify(f));
    for (const n of result.notJudged) print(JSON.stringify({ type: "not_judged", ...n }));
    for (const a of result.alerts) print(JSON.stringify(a));
  } else print(formatAnalysis(result, rules));
  writeAnalysisFiles(result, positionals, values, values.json ? () => undefined : print);
  return analyzeExitCode(result);
}

export class AnalyzeUsageError extends Error {}

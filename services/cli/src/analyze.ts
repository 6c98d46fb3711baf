import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { analyzeExitCode, analyzeFiles, formatAnalysis } from "@entrepot/offline";
import { writeAnalysisFiles } from "./analyzeReport";
import { cliNormalizeOptions } from "./cliEnv";
import { rulesOption } from "./rulesOption";

/**
 * `entrepot analyze <files...> [--rules r.yaml] [--json] [--html report.html] [--shares out.csv]`: human output (per file its counts and
 * coverage of reported totals, share tables, what was not judged, alerts) or, with --json, JSON
 * lines: one `{"type":"summary",...}` per file (read, clean, rejected by reason, coverage against
 * reported totals), one `{"type":"not_judged",...}` per company, basis and region with periods no
 * rule could judge, then one alert per line (the alert schema). Normalizes with the normalizer's
 * settings (`ENTREPOT_FX_TO_USD`). `--html` writes the self-contained report, `--shares` the shares as CSV. Exit codes: `ANALYZE_EXIT` (0; 4 when nothing was read or a file
 * yields no usable row, the CLI's `EXIT.noUsableRow`).
 */
export async function analyzeCommand(
  args: readonly string[],
  print: (line: string) => void,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    options: { rules: { type: "string" }, json: { type: "boolean" }, html: { type: "string" }, shares: { type: "string" } },
    allowPositionals: true,
  });
  if (positionals.length === 0) throw new AnalyzeUsageError("analyze needs at least one file");
  const rules = rulesOption(values.rules);
  const result = await analyzeFiles({ files: positionals.map((f) => resolve(f)), rules, normalize: cliNormalizeOptions(env) });
  if (values.json) {
    for (const f of result.files) print(JSON.stringify(f));
    for (const n of result.notJudged) print(JSON.stringify({ type: "not_judged", ...n }));
    for (const a of result.alerts) print(JSON.stringify(a));
  } else print(formatAnalysis(result, rules));
  writeAnalysisFiles(result, positionals, values, values.json ? () => undefined : print);
  return analyzeExitCode(result);
}

export class AnalyzeUsageError extends Error {}

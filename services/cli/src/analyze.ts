import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { analyzeFiles, formatAnalysis } from "@entrepot/offline";
import { cliNormalizeOptions } from "./cliEnv";
import { rulesOption } from "./rulesOption";

/**
 * `entrepot analyze <files...> [--rules r.yaml] [--json]`: human output (share tables and
 * alerts) or, with --json, one alert per line (the alert schema). Normalizes with the
 * normalizer's settings (`ENTREPOT_FX_TO_USD`). Exit 0; 2 when nothing was read.
 */
export async function analyzeCommand(
  args: readonly string[],
  print: (line: string) => void,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    options: { rules: { type: "string" }, json: { type: "boolean" } },
    allowPositionals: true,
  });
  if (positionals.length === 0) throw new AnalyzeUsageError("analyze needs at least one file");
  const result = await analyzeFiles({
    files: positionals.map((f) => resolve(f)),
    rules: rulesOption(values.rules),
    normalize: cliNormalizeOptions(env),
  });
  if (values.json) for (const a of result.alerts) print(JSON.stringify(a));
  else print(formatAnalysis(result));
  return result.read === 0 ? 2 : 0;
}

export class AnalyzeUsageError extends Error {}

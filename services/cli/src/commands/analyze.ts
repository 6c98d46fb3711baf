import type { Command } from "commander";
import { analyzeCommand } from "../analyze";
import { print } from "../cliEnv";
import { action } from "../cliErrors";
import { commandTokens, examples, existingFiles } from "../usage";
import { basisOption, feedOption, formatOption, fxOption, mappingOption, rulesOption } from "./fileOptions";

/** `entrepot analyze <files...> [--rules r.yaml] [--feed F] [--format F] [--mapping m.json] [--fx EUR=1.08] [--basis B] [--json] [--html f] [--shares f]` (services/cli/src/analyze.ts) */
export function registerAnalyze(program: Command): void {
  examples(
    program
      .command("analyze")
      .description("normalize + detect offline (no Kafka, no Redis): share tables and alerts")
      .argument("<files...>", "feed files, or JSON lines of clean records (entrepot normalize --out)", existingFiles)
      .addOption(rulesOption())
      .addOption(feedOption("the feed of every row of the feed files (default: detected)"))
      .addOption(formatOption())
      .addOption(mappingOption())
      .addOption(fxOption())
      .addOption(basisOption())
      .option("--json", "JSON lines: a summary per file, what was not judged, then one alert per line")
      .option("--html <file>", "also write a self-contained HTML report: charts of the shares with the alerts marked")
      .option("--shares <file>", "also write the shares (every region, period and basis) as CSV"),
    "analyze services/cli/samples/nvda-revenue.csv",
    "analyze services/cli/samples/nvda-revenue.csv services/cli/samples/sg-hub-customs.csv --rules services/cli/samples/demo-rules.yaml --json",
    "analyze services/cli/samples/nvda-revenue.csv --html report.html --shares shares.csv",
    "analyze asml.csv --fx EUR=1.08 --basis headquarters",
    "analyze clean.jsonl",
  ).action(action((_files: string[], _options: unknown, command: Command) => analyzeCommand(commandTokens(command), print)));
}

import type { Command } from "commander";
import { backtestCommand } from "../backtest";
import { print } from "../cliEnv";
import { action } from "../cliErrors";
import { commandTokens, examples, outputFile } from "../usage";
import { rulesOption } from "./fileOptions";
import { feedSizeOptions } from "./generate";

/** `entrepot backtest [--seed N] [--companies N] [--quarters N] [--rules r.yaml] [--out report.md]` (services/cli/src/backtest.ts) */
export function registerBacktest(program: Command): void {
  examples(
    feedSizeOptions(
      program
        .command("backtest")
        .description("generate feeds, analyze them, score the alerts against the labels: precision, recall, F1, delay (Markdown)"),
    )
      .addOption(rulesOption())
      .option("--out <file>", "write the report there instead of printing it", outputFile),
    "backtest --seed 1 --out report.md",
    "backtest --seed 3 --companies 24 --quarters 16",
  ).action(action((_options: unknown, command: Command) => backtestCommand(commandTokens(command), print)));
}

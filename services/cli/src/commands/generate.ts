import type { Command } from "commander";
import { print } from "../cliEnv";
import { action } from "../cliErrors";
import { generateCommand } from "../generate";
import { commandTokens, examples, requiredOption } from "../usage";

/** --seed, --companies, --quarters: checked by generate.ts (feedOptions), shared with backtest. */
export function feedSizeOptions(command: Command): Command {
  return command
    .option("--seed <n>", "the generator's seed, an integer >= 0 (default: 1)")
    .option("--companies <n>", "how many companies, an integer >= 1 (default: 240)")
    .option("--quarters <n>", "how many fiscal quarters, an integer >= 12 (default: 20)");
}

/** `entrepot generate --seed N --out dir [--companies N] [--quarters N]` (services/cli/src/generate.ts) */
export function registerGenerate(program: Command): void {
  examples(
    feedSizeOptions(
      program
        .command("generate")
        .description(
          "synthetic revenue + customs feeds with labelled anomalies: revenue.csv, customs.csv, labels.json (same seed, same bytes)",
        ),
    ).addOption(requiredOption("--out <dir>", "the folder to write the three files to (created if missing)")),
    "generate --seed 1 --out feeds/",
    "generate --seed 7 --companies 24 --quarters 16 --out small/",
  ).action(action((_options: unknown, command: Command) => generateCommand(commandTokens(command), print)));
}

import { type Command, InvalidArgumentError } from "commander";
import { action } from "../cliErrors";
import { parseDuration, silencesCommand } from "../deliveries";
import { examples, isoTime, UsageError } from "../usage";
import { runDeliveriesModule } from "./deliveries";

const run = (command: Command) => runDeliveriesModule(silencesCommand, command);

/** "30m", "2h", "7d", as services/cli/src/deliveries.ts reads it */
function duration(value: string): string {
  try {
    parseDuration(value);
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
  return value;
}

interface AddOptions {
  company?: string;
  region?: string;
  rule?: string;
  for?: string;
  until?: string;
}

/** `entrepot silences add|list|rm` (Redis) */
export function registerSilences(program: Command): void {
  const silences = examples(
    program.command("silences").description("mute matching alerts for a while (deliveries are skipped, alerts still recorded)"),
    "silences add --company NVDA --for 2h",
    "silences list",
  );
  examples(
    silences
      .command("add")
      .description("silence the alerts matching company, region and/or rule, for a duration or until a time")
      .option("--company <company>", "alerts of this company")
      .option("--region <region>", "alerts about this region")
      .option("--rule <rule>", "alerts of this rule")
      .option("--for <duration>", "how long: 90s, 30m, 2h, 7d", duration)
      .option("--until <time>", "until an ISO time", isoTime)
      .option("--comment <text>", "why")
      .option("--json", "print the created silence as JSON"),
    "silences add --company NVDA --for 2h --comment 'known restatement'",
    "silences add --rule share_shift_yoy --region SG --until 2025-02-01T00:00:00Z --json",
  ).action(
    action((options: AddOptions, command: Command) => {
      if ((options.for === undefined) === (options.until === undefined)) throw new UsageError("silences add needs either --for or --until");
      if (!options.company && !options.region && !options.rule) throw new UsageError("silences add needs --company, --region or --rule");
      return run(command);
    }),
  );
  examples(
    silences.command("list").description("the active silences").option("--all", "expired ones too").option("--json", "as JSON"),
    "silences list",
    "silences list --all --json",
  ).action(action((_options: unknown, command: Command) => run(command)));
  examples(
    silences.command("rm").description("remove a silence (exit 1 when there is none)").argument("<id>", "the silence id"),
    "silences rm 4f2d7c1a-8b1e-4a55-9a0e-2d2c6f7b9e10",
  ).action(action((_id: string, _options: unknown, command: Command) => run(command)));
}

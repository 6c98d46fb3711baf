import type { Command } from "commander";
import { cliRuntime, print } from "../cliEnv";
import { action } from "../cliErrors";
import { deliveriesCommand } from "../deliveries";
import { commandTokens, examples, isoTime, requiredOption, UsageError } from "../usage";

/**
 * Runs a sub-command of `deliveries` or `silences` with `moduleCommand` of services/cli/src/deliveries.ts
 * (deliveriesCommand, silencesCommand), handing it the tokens the user typed.
 */
export function runDeliveriesModule(moduleCommand: typeof deliveriesCommand, command: Command): Promise<number> {
  const { config, prefix } = cliRuntime();
  return moduleCommand(command.name(), commandTokens(command), config.REDIS_URL, prefix, print);
}

const run = (command: Command) => runDeliveriesModule(deliveriesCommand, command);

/** `entrepot deliveries failed|retry|recover` (the notifier's BullMQ queue in Redis) */
export function registerDeliveries(program: Command): void {
  const deliveries = examples(
    program.command("deliveries").description("webhook deliveries that exhausted their retries, and replaying them"),
    "deliveries failed",
    "deliveries retry --all",
  );
  examples(
    deliveries.command("failed").description("deliveries that exhausted their retries (the failed set)").option("--json", "as JSON"),
    "deliveries failed",
    "deliveries failed --json",
  ).action(action((_options: unknown, command: Command) => run(command)));
  examples(
    deliveries
      .command("retry")
      .description("replay one failed delivery, or all of them")
      .argument("[job-id]", "the failed delivery's job id (see deliveries failed)")
      .option("--all", "every failed delivery"),
    "deliveries retry --all",
    "deliveries retry 'alert-id|subscription-id|1'",
  ).action(
    action((jobId: string | undefined, options: { all?: boolean }, command: Command) => {
      if (jobId === undefined && !options.all) throw new UsageError("deliveries retry needs a job id or --all");
      return run(command);
    }),
  );
  examples(
    deliveries
      .command("recover")
      .description("replay the deliveries that failed since a time (after an outage of the receiver)")
      .addOption(requiredOption("--since <time>", "an ISO time").argParser(isoTime)),
    "deliveries recover --since 2025-01-31T12:00:00Z",
  ).action(action((_options: unknown, command: Command) => run(command)));
}

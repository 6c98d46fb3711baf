import { type Command, Option } from "commander";
import { cliRuntime, print } from "../cliEnv";
import { action } from "../cliErrors";
import { EXIT } from "../exitCodes";
import { collectStatus, formatStatus, type StatusReport } from "../status";
import { ansiEnabled, warningPaint } from "../terminal";
import { examples, positiveInteger, positiveNumber } from "../usage";

interface StatusOptions {
  json?: boolean;
  watch?: boolean;
  interval: number;
  rejectsWindow: number;
}

const healthy = (s: StatusReport) => s.kafka.reachable && s.redis.reachable;

/** `entrepot status [--json] [--watch [--interval s]]` */
export function registerStatus(program: Command): void {
  examples(
    program
      .command("status")
      .description(
        "lag and records/s per consumer group and partition, dead letters by reason, alerts by rule, the delivery queue, Kafka and Redis health (exit 3 when one is unreachable: the rest is still shown)",
      )
      .option("--json", "the report as one JSON object (one per line with --watch)")
      .option("--watch", "print it again every interval until interrupted")
      .addOption(new Option("--interval <seconds>", "the rates are measured over this interval").default(2).argParser(positiveNumber))
      .addOption(
        new Option("--rejects-window <n>", "count the latest n dead letters by reason (paged)").default(10_000).argParser(positiveInteger),
      ),
    "status",
    "status --json",
    "status --watch --interval 5",
  ).action(
    action(async (options: StatusOptions) => {
      const rt = cliRuntime();
      const ansi = ansiEnabled(process.stdout);
      const collect = () => collectStatus(rt, { intervalMs: options.interval * 1000, rejectsWindow: options.rejectsWindow });
      const show = (s: StatusReport) => {
        if (options.json) print(JSON.stringify(s));
        else {
          // on a terminal, --watch redraws in place; otherwise each report follows the last
          if (options.watch && ansi) process.stdout.write("\u001b[H\u001b[2J");
          print(formatStatus(s, warningPaint(ansi)));
          if (options.watch && !ansi) print("");
        }
      };
      if (!options.watch) {
        const s = await collect();
        show(s);
        return healthy(s) ? EXIT.ok : EXIT.infrastructure;
      }
      let stopped = false;
      const stop = () => {
        stopped = true;
      };
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
      while (!stopped) show(await collect());
      return EXIT.ok;
    }),
  );
}

import { createKafka, readTopicToEnd } from "@entrepot/kafka";
import { HEADERS, topicName } from "@entrepot/schemas";
import { type Command, Option } from "commander";
import { cliRuntime, print } from "../cliEnv";
import { action } from "../cliErrors";
import { examples, positiveInteger } from "../usage";

/** `entrepot dlq show [--limit N] [--json]` */
export function registerDlq(program: Command): void {
  const dlq = examples(program.command("dlq").description("the dead letters on rejects.v1"), "dlq show --limit 5");
  examples(
    dlq
      .command("show")
      .description("the latest dead letters on rejects.v1 with stage, reason, file and line")
      .addOption(new Option("--limit <n>", "how many of the latest").default(20).argParser(positiveInteger))
      .option("--json", "the dead letters as they are on the topic, one per line"),
    "dlq show",
    "dlq show --limit 100 --json",
  ).action(
    action(async (options: { limit: number; json?: boolean }) => {
      const { config, logger, prefix } = cliRuntime();
      const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: "entrepot-cli", logger });
      const all = await readTopicToEnd(kafka, topicName(prefix, "rejects"));
      const shown = all.slice(-options.limit);
      for (const m of shown) {
        if (options.json) print(m.value ?? "null");
        else {
          const r = JSON.parse(m.value ?? "{}") as {
            stage?: string;
            reason?: string;
            message?: string;
            provenance?: { file?: string; line?: number };
          };
          print(
            `${m.headers[HEADERS.dlqStage] ?? r.stage} ${r.reason} ${r.provenance?.file ?? "?"}:${r.provenance?.line ?? "?"}  ${r.message}`,
          );
        }
      }
      print(`${shown.length} of ${all.length} dead letters on ${topicName(prefix, "rejects")}`);
      return 0;
    }),
  );
}

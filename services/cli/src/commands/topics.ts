import { ensureTopics } from "@entrepot/kafka";
import { topicDefinitions } from "@entrepot/schemas";
import type { Command } from "commander";
import { cliRuntime, print } from "../cliEnv";
import { action } from "../cliErrors";
import { connectKafka } from "../connections";
import { examples } from "../usage";

/** `entrepot topics create|list` */
export function registerTopics(program: Command): void {
  const topics = examples(
    program.command("topics").description("the pipeline's Kafka topics under ENTREPOT_TOPIC_PREFIX"),
    "topics create",
    "topics list",
  );
  examples(topics.command("create").description("create every topic (idempotent) under ENTREPOT_TOPIC_PREFIX"), "topics create").action(
    action(async () => {
      const rt = cliRuntime();
      const created = await ensureTopics(await connectKafka(rt), topicDefinitions(rt.prefix));
      print(created.length ? `created: ${created.join(", ")}` : "all topics exist");
      return 0;
    }),
  );
  examples(
    topics.command("list").description("the topics with partitions and cleanup policy").option("--json", "as JSON"),
    "topics list",
    "topics list --json",
  ).action(
    action((options: { json?: boolean }) => {
      const { prefix } = cliRuntime();
      if (options.json) {
        print(JSON.stringify(topicDefinitions(prefix)));
        return 0;
      }
      for (const t of topicDefinitions(prefix))
        print(`${t.name.padEnd(40)} partitions=${t.partitions} cleanup=${t.cleanupPolicy}  ${t.description}`);
      return 0;
    }),
  );
}

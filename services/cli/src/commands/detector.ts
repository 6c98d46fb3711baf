import { resolve } from "node:path";
import { createKafka } from "@entrepot/kafka";
import type { Command } from "commander";
import { Redis } from "ioredis";
import { cliRuntime, print } from "../cliEnv";
import { action } from "../cliErrors";
import { createTopics } from "../pipelineRun";
import { examples } from "../usage";
import { rulesOption } from "./fileOptions";

/** `entrepot detector rebuild [--rules r.yaml]` */
export function registerDetector(program: Command): void {
  const detector = examples(
    program.command("detector").description("the detector's state in Redis"),
    "detector rebuild --rules services/cli/samples/demo-rules.yaml",
  );
  examples(
    detector
      .command("rebuild")
      .description("rebuild detector state from the compacted topics (replay: notifies nobody)")
      .addOption(rulesOption()),
    "detector rebuild",
    "detector rebuild --rules services/cli/samples/demo-rules.yaml",
  ).action(
    action(async (options: { rules?: string }) => {
      const { config, logger, prefix } = cliRuntime();
      const { loadRulesFile, rebuildDetectorState } = await import("@entrepot/detector");
      const rules = loadRulesFile(options.rules ? resolve(options.rules) : undefined);
      await createTopics(config.KAFKA_BROKERS, prefix, logger);
      const redis = new Redis(config.REDIS_URL);
      try {
        const r = await rebuildDetectorState({
          kafka: createKafka({ brokers: config.KAFKA_BROKERS, clientId: "entrepot-cli", logger }),
          redis,
          topicPrefix: prefix,
          logger,
          rules,
        });
        print(
          `detector state rebuilt: ${r.records} clean records (${r.invalid} invalid), ${r.companies} companies, ` +
            `${r.publishedAlerts} published alerts, ${r.recomputed} recomputed without notifying`,
        );
        return 0;
      } finally {
        redis.disconnect();
      }
    }),
  );
}

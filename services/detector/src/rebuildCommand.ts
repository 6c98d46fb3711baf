import { parseArgs } from "node:util";
import { loadRulesFile, RulesConfigError } from "@entrepot/detect";
import { createKafka, ensureTopics } from "@entrepot/kafka";
import { ConfigError, createLogger, loadConfig, createRedis } from "@entrepot/runtime";
import { topicDefinitions } from "@entrepot/schemas";
import { DetectorEnv } from "./detectorEnv";
import { rebuildDetectorState } from "./rebuild";

/**
 * `main.ts rebuild [--rules r.yaml]` (what `entrepot detector rebuild` runs): rebuilds the
 * detector's Redis state from the compacted topics in replay mode (notifies nobody) and prints
 * one line. Run it with the detector stopped. Rules: `--rules`, else the service's
 * `ENTREPOT_RULES_FILE`, with `ENTREPOT_SHARE_SHIFT_PP` applied, as the live detector loads them.
 * Returns the exit code: 0, or 2 on a bad environment or rules file (the message on stderr).
 */
export async function rebuildCommand(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const { values } = parseArgs({ args, options: { rules: { type: "string" } } });
  let config: DetectorEnv;
  let rules: ReturnType<typeof loadRulesFile>;
  try {
    config = loadConfig(DetectorEnv, env);
    rules = loadRulesFile(values.rules ?? config.ENTREPOT_RULES_FILE, config.ENTREPOT_SHARE_SHIFT_PP);
  } catch (err) {
    if (!(err instanceof ConfigError || err instanceof RulesConfigError)) throw err;
    process.stderr.write(`detector rebuild: ${err.message}\n`);
    return 2;
  }
  const logger = createLogger({ name: "detector-rebuild", level: config.LOG_LEVEL });
  const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: "entrepot-detector-rebuild", logger });
  await ensureTopics(kafka, topicDefinitions(config.ENTREPOT_TOPIC_PREFIX));
  const redis = createRedis(config.REDIS_URL, { role: "store", logger });
  try {
    const r = await rebuildDetectorState({ kafka, redis, topicPrefix: config.ENTREPOT_TOPIC_PREFIX, logger, rules });
    process.stdout.write(
      `detector state rebuilt: ${r.records} clean records (${r.invalid} invalid), ${r.companies} companies, ` +
        `${r.publishedAlerts} published alerts, ${r.recomputed} recomputed without notifying\n`,
    );
    return 0;
  } finally {
    redis.disconnect();
  }
}

import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { Command } from "commander";
import { z } from "zod";
import { registerAnalyze } from "./commands/analyze";
import { registerBacktest } from "./commands/backtest";
import { registerDeliveries } from "./commands/deliveries";
import { registerDemo } from "./commands/demo";
import { registerDetector } from "./commands/detector";
import { registerDlq } from "./commands/dlq";
import { registerGenerate } from "./commands/generate";
import { registerInfra } from "./commands/infra";
import { registerIngest } from "./commands/ingest";
import { registerNormalize } from "./commands/normalize";
import { registerRun } from "./commands/run";
import { registerSchemas } from "./commands/schemas";
import { registerReplay } from "./commands/replay";
import { registerSilences } from "./commands/silences";
import { registerStatus } from "./commands/status";
import { registerSubscriptions } from "./commands/subscriptions";
import { registerTopics } from "./commands/topics";
import { checkRequiredOptions, examples } from "./usage";

const PackageJson = z.object({ version: z.string() });

const ENVIRONMENT = `
Environment: KAFKA_BROKERS (default 127.0.0.1:9092), REDIS_URL (default redis://127.0.0.1:6379),
ENTREPOT_TOPIC_PREFIX (default empty), LOG_LEVEL (default info), DEBUG=entrepot (like --verbose).`;

/** The `entrepot` command line: every command registered, nothing parsed or run (see main.ts, cliErrors.ts). */
export function buildProgram(repoRoot = resolve(import.meta.dirname, "../../..")): Command {
  const { version } = PackageJson.parse(JSON.parse(readFileSync(resolve(import.meta.dirname, "../package.json"), "utf8")));
  const program = new Command("entrepot")
    .description("Entrepot: trade-hub alerts from company revenue and customs feeds, through Kafka")
    .version(version, "-V, --version", "print the version")
    .option("--verbose", "print the stack of an unexpected error")
    // inherited by every command created below: their help lists --verbose too
    .configureHelp({ showGlobalOptions: true })
    .hook("preAction", checkRequiredOptions)
    .addHelpText("after", ENVIRONMENT);
  registerInfra(program, repoRoot);
  registerTopics(program);
  registerIngest(program);
  registerNormalize(program);
  registerAnalyze(program);
  registerGenerate(program);
  registerBacktest(program);
  registerDetector(program, repoRoot);
  registerRun(program, repoRoot);
  registerDemo(program, repoRoot);
  registerSubscriptions(program);
  registerDeliveries(program);
  registerSilences(program);
  registerStatus(program);
  registerDlq(program);
  registerReplay(program);
  registerSchemas(program);
  return examples(program, "topics create", "ingest services/cli/samples/nvda-revenue.csv --feed revenue", "topics create --help");
}

import { resolve } from "node:path";
import type { Command } from "commander";
import { cliRuntime, print } from "../cliEnv";
import { action } from "../cliErrors";
import { requireInfra } from "../connections";
import { runDemo } from "../demo";
import { examples, existingFile } from "../usage";

interface DemoCommandOptions {
  file?: string;
  /** a file, or false with --no-customs */
  customs?: string | false;
  keepRunning?: boolean;
}

/** `entrepot demo [--file f.csv] [--customs c.csv | --no-customs] [--keep-running]` (services/cli/src/demo.ts) */
export function registerDemo(program: Command, repoRoot: string): void {
  examples(
    program
      .command("demo")
      .description("the whole pipeline end to end on the sample revenue and customs files")
      .option("--file <file>", "the revenue file (default: services/cli/samples/nvda-revenue.csv)", existingFile)
      .option("--customs <file>", "the customs file (default: services/cli/samples/sg-hub-customs.csv)", existingFile)
      .option("--no-customs", "the revenue feed alone")
      .option("--keep-running", "then keep the services up and serve the dashboard (its URL is printed) until Ctrl-C"),
    "demo",
    "demo --keep-running",
    "demo --no-customs",
    "demo --file my-revenue.csv --customs my-customs.csv",
  ).action(
    action(async (options: DemoCommandOptions) => {
      const rt = cliRuntime();
      const { config, logger } = rt;
      const manageInfra = !process.env.KAFKA_BROKERS && !process.env.REDIS_URL;
      // the demo starts local Kafka and Redis itself unless told where they are: then they must answer
      if (!manageInfra) await requireInfra(rt);
      return runDemo({
        repoRoot,
        brokers: config.KAFKA_BROKERS,
        redisUrl: config.REDIS_URL,
        logger,
        manageInfra,
        print,
        keepRunning: options.keepRunning === true,
        ...(options.file ? { file: resolve(options.file) } : {}),
        ...(options.customs === false ? { customsFile: null } : options.customs ? { customsFile: resolve(options.customs) } : {}),
      });
    }),
  );
}

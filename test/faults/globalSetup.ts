import { execFile } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { Alert } from "@entrepot/schemas";
import { repoRoot } from "@entrepot/testkit";
import type { TestProject } from "vitest/node";
import { DEFAULT_FEED, writeFaultFeed } from "./faultFeed";
import {
  kafkaBrokersOf,
  type PrivateInfra,
  privateInfraConfig,
  redisUrlOf,
  startKafka,
  startRedis,
  stopKafka,
  stopRedis,
} from "./privateInfra";
import "./provided";

const run = promisify(execFile);
let infra: PrivateInfra | undefined;

/**
 * vitest globalSetup of the `faults` project: the suite's private Kafka + Redis (fresh state,
 * leftovers of an interrupted run stopped first), the generated feed, and the alerts the offline
 * `entrepot analyze` finds in it (what the streaming pipeline must converge to).
 */
export async function setup({ provide }: TestProject) {
  infra = privateInfraConfig();
  await stopKafka(infra);
  await stopRedis(infra);
  rmSync(infra.dir, { recursive: true, force: true });
  const t0 = Date.now();
  await Promise.all([startKafka(infra), startRedis(infra)]);
  console.log(`[faults] private Kafka ${kafkaBrokersOf(infra)}, Redis ${redisUrlOf(infra)} (${infra.dir}) up in ${Date.now() - t0} ms`);

  const feedDir = join(infra.dir, "feed");
  const feed = writeFaultFeed(feedDir, DEFAULT_FEED);
  const { stdout } = await run(
    process.execPath,
    ["--import", "tsx", resolve(repoRoot, "services/cli/src/main.ts"), "analyze", "--json", ...feed.files],
    {
      cwd: repoRoot,
      maxBuffer: 64 * 1024 * 1024,
      timeout: 120_000,
    },
  );
  // analyze --json prints a summary per file and the periods not judged before its alerts
  const alerts = stdout.split("\n").filter((l) => l.trim() !== "" && Alert.safeParse(JSON.parse(l)).success);
  const alertsFile = join(feedDir, "expected-alerts.jsonl");
  writeFileSync(alertsFile, `${alerts.join("\n")}\n`);
  provide("faultInfra", JSON.stringify(infra));
  provide("faultFeedDir", feedDir);
  provide("faultExpectedAlerts", alertsFile);
}

export async function teardown() {
  if (!infra) return;
  await stopKafka(infra);
  await stopRedis(infra);
  rmSync(infra.dir, { recursive: true, force: true });
}

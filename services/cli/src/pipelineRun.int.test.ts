import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createKafka } from "@entrepot/kafka";
import { createLogger } from "@entrepot/runtime";
import { repoRoot, uniquePrefix } from "@entrepot/testkit";
import { afterAll, describe, expect, inject, it } from "vitest";
import {
  createTopics,
  formatReconciliation,
  ingest,
  metricsDelta,
  reconcile,
  scrapeNormalizerMetrics,
  waitNormalized,
} from "./pipelineRun";
import { type RunningService, SERVICE_NODE_OPTIONS, spawnService, stopServices, waitReady } from "./serviceProcesses";

const logger = createLogger({ name: "pipeline-run-int", level: "silent" });
const brokers = inject("kafkaBrokers").split(",");
const kafka = createKafka({ brokers, clientId: "pipeline-run-int", logger });
const tmp = mkdtempSync(join(tmpdir(), "entrepot-reconcile-"));
const services: RunningService[] = [];
afterAll(async () => {
  expect(await stopServices(services)).toEqual(services.map(() => 0));
  rmSync(tmp, { recursive: true, force: true });
});

const customs = (partner: string, value: number, reportedAt: string) =>
  JSON.stringify({ reporter: "SG", partner, flow: "X", hs_code: "854231", period: "2024-07", value, reported_at: reportedAt });
const revenue = (region: string, value: number, reportedAt: string) =>
  JSON.stringify({ company: "NVDA", fiscal_period: "FY2025-Q3", region, revenue: value, scale: "millions", reported_at: reportedAt });
const write = (name: string, lines: string[]) => {
  const path = join(tmp, name);
  writeFileSync(path, `${lines.join("\n")}\n`);
  return path;
};

describe("cross-stage reconciliation of both feeds on real Kafka and Redis", () => {
  it("counts clean, dead-lettered, stale and duplicate records per feed and balances every stage", async () => {
    const prefix = uniquePrefix("reconcile");
    await createTopics(brokers, prefix, logger);
    // the normalizer as its own process, as `entrepot run` and the demo start it; its counters come from /metrics
    const env = { PATH: process.env.PATH ?? "", KAFKA_BROKERS: brokers.join(","), REDIS_URL: inject("redisUrl") };
    const normalizer = await spawnService(repoRoot, "normalizer", { env: { ...env, ENTREPOT_TOPIC_PREFIX: prefix, LOG_LEVEL: "warn" } });
    services.push(normalizer);
    await waitReady(normalizer);
    // started with the services' V8 settings (a flag V8 refused would have stopped it before ready)
    const childEnv = readFileSync(`/proc/${normalizer.child.pid}/environ`, "utf8").split("\0");
    expect(childEnv).toContain(`NODE_OPTIONS=${SERVICE_NODE_OPTIONS}`);
    const metricsUrl = `http://127.0.0.1:${normalizer.healthPort}/metrics`;

    // run 1 publishes the first revision of five facts (three customs, two revenue)
    const first = await ingest(
      kafka,
      prefix,
      write("first.jsonl", [
        customs("CN", 100, "2024-09-01"),
        customs("US", 200, "2024-09-01"),
        customs("MY", 300, "2024-09-01"),
        revenue("Singapore", 7028, "2024-11-20"),
        revenue("United States", 10000, "2024-11-20"),
      ]),
      undefined,
    );
    expect(first.publishedByFeed).toEqual({ customs: 3, revenue: 2 });
    await waitNormalized(kafka, prefix, 60_000);
    expect((await reconcile(kafka, prefix, first)).normalize).toMatchObject({ consumed: 5, clean: 5, rejected: 0, duplicates: 0 });

    // run 2: every fact key appears once, so the outcome does not depend on partition order
    const before = await scrapeNormalizerMetrics(metricsUrl);
    const second = await ingest(
      kafka,
      prefix,
      write("second.jsonl", [
        customs("CN", 100, "2024-09-01"), // same fact again: duplicate, no message
        customs("US", 150, "2024-08-01"), // older revision: stale_revision dead letter
        customs("MY", 333, "2024-10-01"), // newer revision: clean
        customs("Atlantis", 5, "2024-09-01"), // unknown_country dead letter
        revenue("Singapore", 7028, "2024-11-20"), // duplicate
        revenue("United States", 9000, "2024-06-01"), // stale
        revenue("Taiwan", 5000, "2024-11-20"), // new: clean
        '{"reporter": "SG", "partner"', // broken line: ingest-stage dead letter
      ]),
      undefined,
    );
    await waitNormalized(kafka, prefix, 60_000);
    const delta = metricsDelta(before, await scrapeNormalizerMetrics(metricsUrl));
    expect(delta).toEqual({
      customs: { consumed: 4, clean: 1, rejected: 2, duplicates: 1 },
      revenue: { consumed: 3, clean: 1, rejected: 1, duplicates: 1 },
    });

    const rec = await reconcile(kafka, prefix, second, { normalizerDelta: delta });
    expect(rec).toMatchObject({
      ingest: { read: 8, published: 7, rejected: 1, publishedByFeed: { customs: 4, revenue: 3 } },
      normalize: {
        consumed: 7,
        clean: 2,
        rejected: 3,
        stale: 2,
        duplicates: 2,
        byFeed: {
          customs: { consumed: 4, clean: 1, rejected: 2, stale: 1, duplicates: 1 },
          revenue: { consumed: 3, clean: 1, rejected: 1, stale: 1, duplicates: 1 },
        },
      },
      duplicatesFrom: "normalizer metrics",
      rejectsByReason: { bad_json: 1, stale_revision: 2, unknown_country: 1 },
      balanced: true,
      problems: [],
    });
    const text = formatReconciliation(rec);
    expect(text).toContain("normalize: consumed 7 = clean 2 + rejected 3 + duplicates 2");
    expect(text).toContain("customs  consumed 4 = clean 1 + rejected 2 (stale revisions 1) + duplicates 1");
    expect(text).toContain("revenue  consumed 3 = clean 1 + rejected 1 (stale revisions 1) + duplicates 1");
    expect(text).toContain("balanced:  yes");

    // without metrics the duplicates are inferred (consumed - clean - rejected) and said to be
    const inferred = await reconcile(kafka, prefix, second);
    expect(inferred).toMatchObject({ duplicatesFrom: "inferred", normalize: { duplicates: 2 }, balanced: true });
    // a duplicate count that does not add up is reported, not hidden
    const wrong = await reconcile(kafka, prefix, second, {
      normalizerDelta: { ...delta, customs: { ...delta.customs, duplicates: 0 } },
    });
    expect(wrong.balanced).toBe(false);
    expect(wrong.problems).toEqual(["customs: consumed 4 != clean 1 + rejected 2 + duplicates 0"]);
  });
});

import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createTopics, ingest, type RunningService, reconcile, startPipelineServices, stopServices, waitNormalized } from "@entrepot/cli";
import { SubscriptionStore } from "@entrepot/delivery";
import { consumerLag, createKafka, readTopicToEnd } from "@entrepot/kafka";
import { createLogger } from "@entrepot/runtime";
import { Alert, HEADERS, Rejection, topicName } from "@entrepot/schemas";
import { type Receiver, repoRoot, startReceiver, uniquePrefix, waitFor } from "@entrepot/testkit";
import { Redis } from "ioredis";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";

const SAMPLE = resolve(repoRoot, "services/cli/samples/nvda-revenue.csv");

/**
 * The walking skeleton on real Kafka and Redis, with every service as its own process:
 * sample revenue CSV in, one signed webhook naming Singapore out, the malformed row on rejects.v1.
 */
describe("walking skeleton: revenue CSV -> signed webhook", () => {
  const brokers = inject("kafkaBrokers").split(",");
  const prefix = uniquePrefix("e2e");
  const logger = createLogger({ name: "e2e", level: "warn" });
  const kafka = createKafka({ brokers, clientId: "e2e", logger });
  const logDir = mkdtempSync(join(tmpdir(), "entrepot-e2e-"));
  let redis: Redis;
  let receiver: Receiver;
  let secret: string;
  let services: RunningService[] = [];

  beforeAll(async () => {
    redis = new Redis(inject("redisUrl"));
    receiver = await startReceiver();
    await createTopics(brokers, prefix, logger);
    const sub = await new SubscriptionStore(redis, prefix).add({
      url: receiver.url,
      filters: { companies: ["NVDA"], rules: ["share_shift_yoy"] },
    });
    secret = sub.secret;
    services = await startPipelineServices(repoRoot, { brokers, redisUrl: inject("redisUrl"), prefix, logDir, settleMs: 1000 });
  });

  afterAll(async () => {
    await stopServices(services);
    await receiver?.close();
    redis?.disconnect();
  });

  it("delivers one correctly signed alert naming Singapore and dead-letters the malformed row", async () => {
    const report = await ingest(kafka, prefix, SAMPLE, "revenue");
    expect(report).toMatchObject({ read: 61, published: 61, rejected: 0 });

    const first = await waitFor(() => receiver.requests[0], { timeoutMs: 60_000, description: "the first webhook" });
    // Verified with an independent implementation of Standard Webhooks, not our own code.
    const headers = Object.fromEntries(Object.entries(first.headers).map(([k, v]) => [k, String(v)]));
    const payload = new Webhook(secret).verify(first.body, headers) as { type: string; data: unknown };
    expect(() => new Webhook(secret.replace(/.$/, (c) => (c === "A" ? "B" : "A"))).verify(first.body, headers)).toThrow();
    expect(payload.type).toBe("alert.fired");
    const alert = Alert.parse(payload.data);
    expect(alert).toMatchObject({
      rule: "share_shift_yoy",
      region: "SG",
      regionName: "Singapore",
      period: "FY2025-Q3",
      entity: { company: "NVDA" },
    });
    expect(alert.summary).toContain("Singapore");
    expect(alert.summary).toContain("22.0%");
    expect(alert.summary).toContain("13.0% in FY2024-Q3");
    expect(alert.summary).toContain("9.0% in FY2023-Q3");
    expect(headers["webhook-id"]).toMatch(/^evt_/);

    // Everything consumed and delivered: still exactly one alert and one webhook.
    await waitNormalized(kafka, prefix, 30_000);
    await waitFor(
      async () =>
        (await consumerLag(kafka, `${prefix}entrepot-detector`, [topicName(prefix, "revenueClean")])) === 0 &&
        (await consumerLag(kafka, `${prefix}entrepot-notifier`, [topicName(prefix, "alerts")])) === 0,
      { timeoutMs: 30_000, description: "detector and notifier caught up" },
    );
    // alerts.v1 also carries the sustained level shifts (Singapore's climb and the other regions'
    // matching moves); the share shift is there exactly once, no alert id twice
    const alerts = await readTopicToEnd(kafka, topicName(prefix, "alerts"));
    const keys = alerts.map((m) => m.key);
    expect(keys.filter((k) => k === "share_shift_yoy|NVDA|SG|FY2025-Q3")).toHaveLength(1);
    expect(keys).toContain("level_shift|NVDA|SG|FY2024-Q1");
    expect(new Set(keys).size).toBe(keys.length);
    expect(receiver.requests).toHaveLength(1);

    // The malformed row ("see note 4") is on rejects.v1 with its reason, stage, file and line.
    const rejects = await readTopicToEnd(kafka, topicName(prefix, "rejects"));
    expect(rejects).toHaveLength(1);
    const dead = Rejection.parse(JSON.parse(rejects[0]?.value ?? ""));
    const badLine =
      readFileSync(SAMPLE, "utf8")
        .split("\n")
        .findIndex((l) => l.includes("see note 4")) + 1;
    expect(dead).toMatchObject({
      stage: "normalize",
      reason: "bad_number",
      field: "revenue",
      provenance: { file: "nvda-revenue.csv", line: badLine },
    });
    expect(rejects[0]?.headers[HEADERS.dlqTopic]).toBe(topicName(prefix, "revenueRaw"));
    expect(rejects[0]?.headers[HEADERS.dlqStage]).toBe("normalize");

    const rec = await reconcile(kafka, prefix, report);
    expect(rec).toMatchObject({
      ingest: { read: 61, published: 61, rejected: 0 },
      normalize: { consumed: 61, clean: 60, rejected: 1 },
      balanced: true,
    });
  });

  it("shuts every service down cleanly on SIGTERM", async () => {
    expect(await stopServices(services)).toEqual([0, 0, 0]);
  });
});

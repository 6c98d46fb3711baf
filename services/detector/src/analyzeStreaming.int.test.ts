import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { customsCompositions, entityKey, loadRulesFile, parseRulesConfig } from "@entrepot/detect";
import { consumerLag, createKafka, ensureTopics, JsonProducer, readTopicToEnd } from "@entrepot/kafka";
import { analyzeFiles, cleanFactsOf } from "@entrepot/offline";
import { createLogger, Metrics } from "@entrepot/runtime";
import {
  Alert,
  type Composition,
  customsCleanKey,
  type RevenueClean,
  revenueCleanKey,
  topicDefinitions,
  topicName,
} from "@entrepot/schemas";
import { repoRoot, uniquePrefix, waitFor } from "@entrepot/testkit";
import { Redis } from "ioredis";
import { afterAll, describe, expect, inject, it } from "vitest";
import { type DetectorHandle, startDetector } from "./detector";
import { DetectorState } from "./detectorState";
import { rebuildDetectorState } from "./rebuild";

/** The CLI's samples (services/cli/samples/README.md): NVDA's revenue, the constructed Singapore-hub customs, the demo's watch list. */
const samples = join(repoRoot, "services/cli/samples");
const SAMPLE = join(samples, "nvda-revenue.csv");
const SG_HUB_CUSTOMS = join(samples, "sg-hub-customs.csv");
const watchRules = () => loadRulesFile(join(samples, "demo-rules.yaml"));
const logger = createLogger({ name: "analyze-int", level: "silent" });
const kafka = createKafka({ brokers: inject("kafkaBrokers").split(","), clientId: "analyze-int", logger });
const redis = new Redis(inject("redisUrl"));
const producer = new JsonProducer(kafka);
const handles: DetectorHandle[] = [];
afterAll(async () => {
  for (const h of handles) await h.close();
  await producer.close();
  redis.disconnect();
});

/** The sample's clean revenue facts, as the normalizer publishes them. */
const cleanSample = async (): Promise<RevenueClean[]> => (await cleanFactsOf(SAMPLE, "nvda-revenue.csv")).revenue;

/** What an alert says, without the time it was said. */
const said = (a: Alert) => ({
  alertId: a.alertId,
  status: a.status,
  revision: a.revision,
  severity: a.severity,
  observed: a.observed,
  baseline: a.baseline,
  summary: a.summary,
});

describe("streaming detector and offline analyze give the same answer (real Kafka and Redis)", () => {
  const prefix = uniquePrefix("detect");
  const cleanTopic = topicName(prefix, "revenueClean");
  const alertsTopic = topicName(prefix, "alerts");
  const state = new DetectorState(redis, prefix);
  const publish = (records: readonly RevenueClean[]) =>
    producer.send(records.map((value) => ({ topic: cleanTopic, key: revenueCleanKey(value), value })));
  let metrics = new Metrics();
  const start = async () => {
    metrics = new Metrics();
    const h = await startDetector({ kafka, redis, topicPrefix: prefix, logger, metrics, settleMs: 100 });
    handles.push(h);
    return h;
  };
  /** the detector consumed everything and evaluated every company it marked dirty */
  const settled = () =>
    waitFor(
      async () => (await consumerLag(kafka, `${prefix}entrepot-detector`, [cleanTopic])) === 0 && (await state.dirty.list()).length === 0,
      {
        timeoutMs: 60_000,
        description: "detector caught up and evaluated",
      },
    );
  const published = async () => (await readTopicToEnd(kafka, alertsTopic)).map((m) => Alert.parse(JSON.parse(m.value ?? "")));
  const sharesKeys = async () => (await readTopicToEnd(kafka, topicName(prefix, "shares"))).map((m) => m.key ?? "");

  it("publishes exactly the alerts `entrepot analyze` finds on the same file", async () => {
    await ensureTopics(kafka, topicDefinitions(prefix));
    await producer.start();
    const offline = await analyzeFiles({ files: [SAMPLE] });
    expect(offline.alerts.length).toBeGreaterThan(0);
    await publish(await cleanSample());
    await start();
    await settled();
    const streamed = await published();
    // the evaluation metrics: the company evaluated, how long it waited, the group's duration, nothing pending
    expect(await metrics.value("entrepot_detector_scopes_evaluated_total", { kind: "company" })).toBeGreaterThanOrEqual(1);
    const text = await metrics.render();
    expect(text).toMatch(/entrepot_detector_scope_wait_seconds_count\{kind="company"\} [1-9]/);
    expect(text).toMatch(/entrepot_detector_evaluation_seconds_count [1-9]/);
    expect(text).toContain("entrepot_detector_pending_scopes 0");
    expect(streamed.map(said).sort((a, b) => a.alertId.localeCompare(b.alertId))).toEqual(
      offline.alerts.map(said).sort((a, b) => a.alertId.localeCompare(b.alertId)),
    );
  });

  it("keeps per-company history in Redis across a restart: a restatement after it updates the alert", async () => {
    const before = (await published()).length;
    const sharesBefore = await sharesKeys();
    expect(new Set(sharesBefore).size).toBe(sharesBefore.length);
    await handles.pop()?.close();
    const restated = (await cleanSample()).find((r) => r.region === "SG" && r.fiscalPeriod === "FY2025-Q3");
    if (!restated) throw new Error("sample lacks SG FY2025-Q3");
    await publish([{ ...restated, revenueUsd: restated.revenueUsd * 1.1, asOf: "2025-06-30" }]);
    await start();
    await settled();
    const after = await published();
    expect(after.length).toBeGreaterThan(before);
    // alerts.v1 has several partitions: find the new revision by content, not by position
    const shift = after.find((a) => a.alertId === "share_shift_yoy|NVDA|SG|FY2025-Q3" && a.revision === 2);
    expect(shift).toMatchObject({ status: "updated", revision: 2 });
    expect(shift?.summary).toContain("FY2025-Q3 from 13.0% in FY2024-Q3");
    expect(shift?.observed).toBeGreaterThan(0.22);
    // the company's compositions were all recomputed; only those that changed went out again: the
    // restated quarter and the next one (its share change vs the previous quarter moved)
    const sharesAfter = await sharesKeys();
    const added = [...sharesAfter];
    for (const k of sharesBefore) added.splice(added.indexOf(k), 1);
    expect(added.sort()).toEqual(["company=NVDA|FY2025-Q3", "company=NVDA|FY2025-Q4"]);
  });

  it("rebuilds lost state from the compacted topics without publishing anything again", async () => {
    await handles.pop()?.close();
    const before = await published();
    const sharesBefore = (await sharesKeys()).length;
    for (const key of await redis.keys(`${prefix}entrepot:detector:*`)) await redis.del(key);
    const report = await rebuildDetectorState({ kafka, redis, topicPrefix: prefix, logger });
    expect(report).toMatchObject({ records: 61, invalid: 0, companies: 1, recomputed: 0 });
    expect((await published()).length).toBe(before.length);
    // a duplicate delivered after the rebuild changes nothing downstream
    await start();
    const dup = (await cleanSample())[0];
    if (!dup) throw new Error("empty sample");
    await publish([dup]);
    await settled();
    expect((await published()).length).toBe(before.length);
    expect((await sharesKeys()).length).toBe(sharesBefore);
    const stored = await state.alerts("NVDA");
    expect(stored.get("share_shift_yoy|NVDA|SG|FY2025-Q3")).toMatchObject({ revision: 2 });
  });
});

describe("customs: streaming detector and offline analyze give the same answer (real Kafka and Redis)", () => {
  const prefix = uniquePrefix("detect-customs");
  const state = new DetectorState(redis, prefix);
  const alertsTopic = topicName(prefix, "alerts");
  const published = async () => (await readTopicToEnd(kafka, alertsTopic)).map((m) => Alert.parse(JSON.parse(m.value ?? "")));
  const byId = (a: { alertId: string }, b: { alertId: string }) => a.alertId.localeCompare(b.alertId);

  it("consumes customs.clean.v1 and publishes mirror gap, re-export surge, divergence and corroboration like analyze", async () => {
    await ensureTopics(kafka, topicDefinitions(prefix));
    await producer.start();
    const customsFile = SG_HUB_CUSTOMS;
    const rules = watchRules();
    const offline = await analyzeFiles({ files: [SAMPLE, customsFile], rules });
    expect(new Set(offline.alerts.map((a) => a.rule))).toEqual(
      new Set(["share_shift_yoy", "level_shift", "mirror_gap", "reexport_surge", "billing_shipping_divergence", "corroboration"]),
    );
    const { customs } = await cleanFactsOf(customsFile, "customs-fixture.csv");
    await producer.send(customs.map((value) => ({ topic: topicName(prefix, "customsClean"), key: customsCleanKey(value), value })));
    await producer.send(
      (await cleanSample()).map((value) => ({ topic: topicName(prefix, "revenueClean"), key: revenueCleanKey(value), value })),
    );
    const h = await startDetector({ kafka, redis, topicPrefix: prefix, logger, metrics: new Metrics(), settleMs: 100, rules });
    handles.push(h);
    await waitFor(
      async () =>
        (await consumerLag(kafka, `${prefix}entrepot-detector`, [topicName(prefix, "revenueClean"), topicName(prefix, "customsClean")])) ===
          0 &&
        (await state.dirty.list()).length === 0 &&
        (await state.customsDirty.list()).length === 0,
      { timeoutMs: 60_000, description: "detector caught up on both feeds and evaluated" },
    );
    expect((await published()).map(said).sort(byId)).toEqual(offline.alerts.map(said).sort(byId));
    const assessment = offline.alerts.find((a) => a.rule === "corroboration");
    expect(assessment?.summary).toContain("consistent with an invoicing hub");

    // customs compositions on shares.v1: each reporter's exports by partner and imports by origin of the watched goods
    const { hsPrefixes, group } = rules.reexportSurge;
    const expected = (["export", "import"] as const).flatMap((flow) => customsCompositions(customs, { hsPrefixes, flow, group }));
    expect(expected.length).toBeGreaterThan(0);
    const latestShares = new Map<string, unknown>();
    for (const m of await readTopicToEnd(kafka, topicName(prefix, "shares"))) latestShares.set(m.key ?? "", JSON.parse(m.value ?? ""));
    const customsShares = [...latestShares.values()].filter((c) => (c as Composition).entity.reporter !== undefined);
    const view = (c: Composition) =>
      `${entityKey(c.entity)}|${c.period} ${c.parts.map((p) => `${p.region}=${p.share.toFixed(4)}`).join(",")}`;
    expect((customsShares as Composition[]).map(view).sort()).toEqual(expected.map(view).sort());

    // the rebuild replays both clean topics and recomputes nothing
    await handles.pop()?.close();
    for (const key of await redis.keys(`${prefix}entrepot:detector:*`)) await redis.del(key);
    const report = await rebuildDetectorState({ kafka, redis, topicPrefix: prefix, logger, rules });
    expect(report).toMatchObject({ customsRecords: customs.length, invalid: 0, recomputed: 0 });
  });
});

describe("real-filing shapes: streaming detector and offline analyze give the same answer (real Kafka and Redis)", () => {
  // the constructed NVDA-like table (packages/detect/fixtures/filings): total rows, Singapore split out of
  // "Other countries (incl./excl. Singapore)", a missing row, a change of basis with a recast quarter, a watched level
  const fixture = resolve(import.meta.dirname, "../../../packages/detect/fixtures/filings/nvda-quarterly-constructed");
  const file = resolve(fixture, "revenue.csv");
  const rules = parseRulesConfig(readFileSync(resolve(fixture, "rules.yaml"), "utf8"), "rules.yaml");
  const prefix = uniquePrefix("detect-filings");
  const state = new DetectorState(redis, prefix);
  const byId = (a: { alertId: string }, b: { alertId: string }) => a.alertId.localeCompare(b.alertId);

  it("publishes exactly the alerts and shares analyze finds, the recast quarter on its own basis", async () => {
    await ensureTopics(kafka, topicDefinitions(prefix));
    await producer.start();
    const offline = await analyzeFiles({ files: [file], rules });
    expect(new Set(offline.alerts.map((a) => a.rule))).toEqual(
      new Set(["basis_change", "data_gap", "definition_change", "level_shift", "share_step", "share_threshold"]),
    );
    const facts = (await cleanFactsOf(file, "revenue.csv")).revenue;
    // the recast quarter is a fact of its own on the compacted topic (its key carries the basis)
    expect(new Set(facts.map(revenueCleanKey)).size).toBe(facts.length);
    await producer.send(facts.map((value) => ({ topic: topicName(prefix, "revenueClean"), key: revenueCleanKey(value), value })));
    handles.push(await startDetector({ kafka, redis, topicPrefix: prefix, logger, metrics: new Metrics(), settleMs: 100, rules }));
    await waitFor(
      async () =>
        (await consumerLag(kafka, `${prefix}entrepot-detector`, [topicName(prefix, "revenueClean")])) === 0 &&
        (await state.dirty.list()).length === 0,
      { timeoutMs: 60_000, description: "detector caught up and evaluated" },
    );
    const streamed = (await readTopicToEnd(kafka, topicName(prefix, "alerts"))).map((m) => Alert.parse(JSON.parse(m.value ?? "")));
    expect(streamed.map(said).sort(byId)).toEqual(offline.alerts.map(said).sort(byId));
    const latestShares = new Map<string, Composition>();
    for (const m of await readTopicToEnd(kafka, topicName(prefix, "shares"))) latestShares.set(m.key ?? "", JSON.parse(m.value ?? ""));
    expect(latestShares.size).toBe(offline.compositions.length);
    expect(latestShares.get("company=NVDA;basis=headquarters|FY2026-Q3")?.parts.map((p) => p.region)).toEqual([
      "US",
      "TW",
      "GROUP:CN+HK",
      "GROUP:OTHER",
    ]);
    expect(latestShares.get("company=NVDA|FY2026-Q3")?.parts.some((p) => p.region === "SG")).toBe(true);
  });
});

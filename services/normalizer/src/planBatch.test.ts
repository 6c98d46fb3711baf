import type { IncomingMessage } from "@entrepot/kafka";
import { MemoryRevisionStore, NormalizeEnv, NormalizeStage, normalizeOptions } from "@entrepot/normalize";
import { CustomsClean, HEADERS, Rejection, RevenueClean, TOPIC_CATALOG, topicName } from "@entrepot/schemas";
import { describe, expect, it } from "vitest";
import { planBatch } from "./normalizer";

const prefix = "t.";
const message = (value: string | null, topic = topicName(prefix, "customsRaw")): IncomingMessage => ({
  topic,
  partition: 2,
  offset: "41",
  key: "k",
  value,
  headers: { [HEADERS.ingestRun]: "run-1" },
  timestamp: "0",
});
const stage = (env: Record<string, string> = {}) =>
  new NormalizeStage({ revisions: new MemoryRevisionStore(), normalize: normalizeOptions(NormalizeEnv.parse(env)) });

/** Messages that never were raw records: dead-lettered with a reason and Kafka Connect's context headers. */
describe("planBatch on messages that are not raw records", () => {
  it.each([
    ["not JSON", "{oops", "bad_json"],
    ["empty", null, "bad_json"],
    ["JSON but not a raw record", '{"hello":1}', "schema_violation"],
    ["a raw record of an unknown feed", '{"schemaVersion":1,"feed":"sales","provenance":{},"fields":{}}', "schema_violation"],
  ])("%s -> %s", async (_name, value, reason) => {
    const { outputs, outcomes, counts } = await planBatch([message(value)], prefix, stage());
    expect(outcomes).toEqual([{ feed: "customs", outcome: "rejected", reason }]);
    expect(counts).toMatchObject({ consumed: 1, rejected: 1 });
    const [out] = outputs;
    expect(out?.topic).toBe("rejects"); // the catalog key: TopicWriter adds the prefix
    expect(out?.key).toBe("k"); // no row, no file:line: keyed like the message it rejects
    expect(out?.headers).toMatchObject({
      [HEADERS.dlqTopic]: topicName(prefix, "customsRaw"),
      [HEADERS.dlqPartition]: "2",
      [HEADERS.dlqOffset]: "41",
      [HEADERS.dlqStage]: "normalize",
      [HEADERS.dlqReason]: reason,
      [HEADERS.ingestRun]: "run-1",
    });
    const rejection = Rejection.parse(out?.value);
    expect(rejection).toMatchObject({ stage: "normalize", reason });
    expect(rejection.message.length).toBeGreaterThan(0);
  });
});

describe("planBatch on raw records", () => {
  const eurRevenue = JSON.stringify({
    schemaVersion: 1,
    feed: "revenue",
    provenance: { source: "t", file: "eur.csv", line: 2, ingestRun: "run-1", format: "revenue-csv" },
    fields: { company: "ASML", fiscal_period: "FY2024-Q3", region: "Taiwan", revenue: "2", scale: "billions", currency: "EUR" },
  });

  it("publishes a clean fact keyed by its natural key, converted with the FX rates of ENTREPOT_FX_TO_USD", async () => {
    const { outputs, outcomes } = await planBatch(
      [message(eurRevenue, topicName(prefix, "revenueRaw"))],
      prefix,
      stage({ ENTREPOT_FX_TO_USD: "EUR=1.1" }),
    );
    expect(outcomes).toEqual([{ feed: "revenue", outcome: "clean" }]);
    expect(outputs[0]).toMatchObject({
      topic: "revenueClean",
      headers: { [HEADERS.schemaVersion]: "1", [HEADERS.ingestRun]: "run-1" },
      valueChecked: true,
    });
    expect(RevenueClean.parse(outputs[0]?.value).revenueUsd).toBeCloseTo(2.2e9);
    expect(outputs[0]?.key).toMatch(/^ASML\|FY2024-Q3\|TW/);
    // no rate configured: the stage dead-letters it, keyed by the row's file:line (not the raw message's key)
    const without = await planBatch([message(eurRevenue, topicName(prefix, "revenueRaw"))], prefix, stage());
    expect(without.outcomes).toEqual([{ feed: "revenue", outcome: "rejected", reason: "bad_currency" }]);
    expect(without.outputs[0]).toMatchObject({ topic: "rejects", key: "eur.csv:2" });
  });
});

describe("planBatch's checks", () => {
  it("marks clean facts checked (normalizeRecord parsed them with their clean topic's schema), never dead letters", async () => {
    // the schemas normalizeRecord checks clean records with are the catalog's, which the writer would check again
    expect(TOPIC_CATALOG.revenueClean.value).toBe(RevenueClean);
    expect(TOPIC_CATALOG.customsClean.value).toBe(CustomsClean);
    const customs = (fields: Record<string, string>) =>
      JSON.stringify({
        schemaVersion: 1,
        feed: "customs",
        provenance: { source: "t", file: "c.csv", line: 2, ingestRun: "run-1", format: "customs-csv" },
        fields,
      });
    const fact = { reporter: "SG", partner: "CN", flow: "export", hs_code: "854231", period: "2025-03", value: "12" };
    const { outputs } = await planBatch(
      [message(customs(fact)), message(customs({ ...fact, value: "-3" })), message("{oops")],
      prefix,
      stage(),
    );
    expect(outputs.map((o) => [o.topic, o.valueChecked])).toEqual([
      ["customsClean", true],
      ["rejects", undefined],
      ["rejects", undefined],
    ]);
  });
});

import { describe, expect, it } from "vitest";
import type { Alert, Composition } from "./alert";
import type { RevenueClean } from "./clean";
import { HEADERS } from "./headers";
import type { RawRecord } from "./provenance";
import {
  CONSUMER_GROUPS,
  compositionKey,
  consumerGroupId,
  parseTopicValue,
  rejectionKey,
  TOPIC_CATALOG,
  TOPIC_KEYS,
  topicDefinitions,
  topicKeyOf,
  topicName,
  topicsReadBy,
} from "./topicCatalog";

const provenance = { source: "nvda.csv", file: "nvda.csv", line: 7, ingestRun: "run-1", format: "revenue-csv" };

describe("the topic catalog", () => {
  it("holds every v1 topic with its partitions and cleanup policy", () => {
    expect(Object.fromEntries(TOPIC_KEYS.map((k) => [TOPIC_CATALOG[k].name, TOPIC_CATALOG[k].cleanupPolicy]))).toEqual({
      "revenue.raw.v1": "delete",
      "customs.raw.v1": "delete",
      "revenue.clean.v1": "compact",
      "customs.clean.v1": "compact",
      "rejects.v1": "delete",
      "shares.v1": "compact",
      "alerts.v1": "compact",
    });
    expect(TOPIC_CATALOG.rejects.partitions).toBe(1);
    expect(TOPIC_CATALOG.revenueRaw.retentionMs).toBe(7 * 86_400_000);
  });

  it("gives topic creation every topic, prefixed, with the catalog's settings", () => {
    const defs = topicDefinitions("t.");
    expect(defs.map((d) => d.name)).toEqual(TOPIC_KEYS.map((k) => `t.${TOPIC_CATALOG[k].name}`));
    expect(defs.find((d) => d.key === "rejects")).toEqual({
      key: "rejects",
      name: "t.rejects.v1",
      description: TOPIC_CATALOG.rejects.description,
      partitions: 1,
      cleanupPolicy: "delete",
      retentionMs: 30 * 86_400_000,
    });
    expect(defs.find((d) => d.key === "alerts")).not.toHaveProperty("retentionMs");
    expect(topicKeyOf("t.", "t.shares.v1")).toBe("shares");
    expect(topicKeyOf("t.", "shares.v1")).toBeUndefined();
  });

  it("names each service's consumer group and the topics it reads", () => {
    expect(consumerGroupId("p.", "notifier")).toBe("p.entrepot-notifier");
    expect(Object.values(CONSUMER_GROUPS)).toEqual(["entrepot-normalizer", "entrepot-detector", "entrepot-notifier"]);
    expect(topicsReadBy("p.", "normalizer")).toEqual(["p.revenue.raw.v1", "p.customs.raw.v1"]);
    expect(topicsReadBy("p.", "detector")).toEqual(["p.revenue.clean.v1", "p.customs.clean.v1"]);
    expect(topicsReadBy("p.", "notifier")).toEqual(["p.alerts.v1"]);
  });

  it("derives each topic's key from the value", () => {
    const raw: RawRecord = { schemaVersion: 1, feed: "revenue", provenance, fields: {} };
    expect(TOPIC_CATALOG.revenueRaw.key(raw)).toBe("nvda.csv:7");
    const clean = { company: "NVDA", fiscalPeriod: "FY2025-Q3", region: "SG" } as RevenueClean;
    expect(TOPIC_CATALOG.revenueClean.key(clean)).toBe("NVDA|FY2025-Q3|SG");
    const composition = { entity: { reporter: "SG", hs: "8471" }, period: "2024-09" } as unknown as Composition;
    expect(TOPIC_CATALOG.shares.key(composition)).toBe("hs=8471,reporter=SG|2024-09");
    expect(compositionKey(composition)).toBe("hs=8471,reporter=SG|2024-09");
    expect(TOPIC_CATALOG.alerts.key({ alertId: "share_shift_yoy|NVDA|SG|FY2025-Q3" } as Alert)).toBe("share_shift_yoy|NVDA|SG|FY2025-Q3");
    expect(rejectionKey({ stage: "ingest", reason: "column_count", provenance })).toBe("nvda.csv:7");
    expect(rejectionKey({ stage: "notify", reason: "schema_violation" })).toBe("notify:schema_violation");
  });

  it("states the headers: raw records carry their ingest run, dead letters their stage and reason", () => {
    const v = { [HEADERS.schemaVersion]: "1" };
    expect(TOPIC_CATALOG.revenueRaw.headers.safeParse(v).success).toBe(false);
    expect(TOPIC_CATALOG.revenueRaw.headers.safeParse({ ...v, [HEADERS.ingestRun]: "r", "x-extra": "ok" }).success).toBe(true);
    expect(TOPIC_CATALOG.alerts.headers.safeParse({}).success).toBe(false);
    expect(TOPIC_CATALOG.alerts.headers.safeParse({ [HEADERS.schemaVersion]: "2" }).success).toBe(false);
    const dead = { ...v, [HEADERS.dlqStage]: "ingest", [HEADERS.dlqErrorClass]: "column_count", [HEADERS.dlqReason]: "column_count" };
    expect(TOPIC_CATALOG.rejects.headers.safeParse(dead).success).toBe(true);
    expect(TOPIC_CATALOG.rejects.headers.safeParse({ ...dead, [HEADERS.dlqOffset]: "x" }).success).toBe(false);
  });

  it("parses consumed text with the topic's value schema", () => {
    const ok = parseTopicValue("revenueRaw", JSON.stringify({ schemaVersion: 1, feed: "customs", provenance, fields: { a: "1" } }));
    expect(ok).toEqual({ ok: true, value: { schemaVersion: 1, feed: "customs", provenance, fields: { a: "1" } } });
    const wrong = parseTopicValue("alerts", JSON.stringify({ alertId: "x" }));
    expect(wrong.ok).toBe(false);
    if (!wrong.ok) expect(wrong.issue?.path).toEqual(["schemaVersion"]);
    expect(parseTopicValue("alerts", "{not json").ok).toBe(false);
    expect(parseTopicValue("alerts", null).ok).toBe(false);
    expect(topicName("", "alerts")).toBe("alerts.v1");
  });
});

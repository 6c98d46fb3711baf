import { Rejection } from "@entrepot/schemas";
import { describe, expect, it } from "vitest";
import { NormalizeEnv, normalizeOptions } from "./normalizeEnv";
import { batchCounts, type DecodedRaw, decodeRawRecord, NormalizeStage } from "./normalizeStage";
import { MemoryRevisionStore } from "./revisionStore";
import { rawRecord } from "./testRaw";

const customs = (line: number, value: string, reportedAt: string, extra: Record<string, string> = {}): DecodedRaw => ({
  ok: true,
  raw: rawRecord(
    "customs",
    "customs-csv",
    { reporter: "SG", partner: "CN", flow: "X", hs_code: "854231", period: "2024-07", value, reported_at: reportedAt, ...extra },
    line,
  ),
});

const stage = (options: Partial<ConstructorParameters<typeof NormalizeStage>[0]> = {}) =>
  new NormalizeStage({ revisions: new MemoryRevisionStore(), ...options });

describe("decodeRawRecord (a raw topic message's value)", () => {
  it.each([
    ["not JSON", "{oops", "bad_json"],
    ["empty", null, "bad_json"],
    ["JSON but not a raw record", '{"hello":1}', "schema_violation"],
    ["a raw record of an unknown feed", '{"schemaVersion":1,"feed":"sales","provenance":{},"fields":{}}', "schema_violation"],
  ])("%s -> %s", (_name, value, reason) => {
    const decoded = decodeRawRecord(value);
    expect(decoded).toMatchObject({ ok: false, problem: { reason } });
  });

  it("decodes a raw record as the ingestor publishes it", () => {
    const input = customs(2, "1", "2024-09-01");
    expect(decodeRawRecord(JSON.stringify(input.ok && input.raw))).toEqual(input);
  });
});

describe("NormalizeStage", () => {
  it("publishes new keys and newer revisions, drops duplicates, dead-letters problems and late older revisions", async () => {
    const s = stage();
    const outcomes = await s.process([
      customs(2, "100", "2024-09-01"), // new
      customs(3, "100", "2024-09-01"), // the same fact again, same batch: duplicate
      customs(4, "120", "2024-10-01"), // newer revision
      customs(5, "90", "2024-08-01"), // older revision arriving late: stale
      customs(6, "5", "2024-09-01", { partner: "Atlantis" }),
      decodeRawRecord("{oops"),
    ]);
    expect(outcomes.map((o) => (o.outcome === "rejected" ? o.reason : o.outcome))).toEqual([
      "clean",
      "duplicate",
      "clean",
      "stale_revision",
      "unknown_country",
      "bad_json",
    ]);
    expect(outcomes[0]).toMatchObject({
      key: "SG|CN|export|854231|2024-07|-|-|-|HS",
      fact: { feed: "customs", record: { valueUsd: 100 } },
    });
    const dead = outcomes.flatMap((o) => (o.outcome === "rejected" ? [Rejection.parse(o.rejection)] : []));
    expect(dead.map((d) => [d.stage, d.reason, d.provenance?.line])).toEqual([
      ["normalize", "stale_revision", 5],
      ["normalize", "unknown_country", 6],
      ["normalize", "bad_json", undefined],
    ]);
    expect(dead[0]?.message).toMatch(/as of 2024-08-01 is older than the published revision as of 2024-10-01/);
    expect(batchCounts(outcomes)).toEqual({ consumed: 6, clean: 2, rejected: 3, duplicates: 1, stale: 1 });
  });

  it("remembers across batches only what was committed", async () => {
    const revisions = new MemoryRevisionStore();
    const first = stage({ revisions });
    expect((await first.process([customs(2, "100", "2024-09-01")]))[0]?.outcome).toBe("clean");
    // not committed (say the output was never acknowledged): another instance sees the fact as new
    expect((await stage({ revisions }).process([customs(2, "100", "2024-09-01")]))[0]?.outcome).toBe("clean");
    await first.commit();
    expect((await stage({ revisions }).process([customs(2, "100", "2024-09-01")]))[0]?.outcome).toBe("duplicate");
  });

  it("commits only the batch processed last: a batch whose outputs were never written is not recorded by the next one", async () => {
    const revisions = new MemoryRevisionStore();
    const s = stage({ revisions });
    const a = customs(2, "100", "2024-09-01");
    const b = customs(3, "200", "2024-09-01", { partner: "US" });
    // A's outputs fail to be written (the broker is away): no commit, the batch will be consumed again
    expect((await s.process([a]))[0]?.outcome).toBe("clean");
    expect((await s.process([b]))[0]?.outcome).toBe("clean");
    await s.commit();
    // A again: still new, so it reaches the clean topic (recorded with B's batch, it would be dropped as a duplicate)
    expect((await s.process([a]))[0]?.outcome).toBe("clean");
    await s.commit();
    expect((await s.process([a, b])).map((o) => o.outcome)).toEqual(["duplicate", "duplicate"]);
  });

  it("a batch never committed (outputs not written) records nothing: processed again, its facts are still new", async () => {
    const s = stage();
    const a = customs(2, "100", "2024-09-01");
    const failed = await s.processBatch([a]);
    expect(failed.outcomes[0]?.outcome).toBe("clean");
    const retried = await s.processBatch([a]);
    expect(retried.outcomes[0]?.outcome).toBe("clean");
    await retried.commit();
    expect((await s.processBatch([a])).outcomes[0]?.outcome).toBe("duplicate");
  });

  it("applies the configured FX rates: the options parsed from ENTREPOT_FX_TO_USD reach every record", async () => {
    const options = normalizeOptions(NormalizeEnv.parse({ ENTREPOT_FX_TO_USD: "twd=0.03, EUR=1.1" }));
    expect(options).toEqual({ fxToUsd: { TWD: 0.03, EUR: 1.1 } });
    const twd = customs(2, "2", "2024-09-01", { scale: "thousands", currency: "TWD" });
    const [converted] = await stage({ normalize: options }).process([twd]);
    expect(converted?.outcome === "clean" && converted.fact.record).toMatchObject({ valueUsd: 60 });
    // without rates the same record is a bad_currency dead letter
    const [unconverted] = await stage().process([twd]);
    expect(unconverted).toMatchObject({ outcome: "rejected", reason: "bad_currency" });
  });

  it("refuses FX settings that are not CUR=rate pairs", () => {
    expect(NormalizeEnv.parse({})).toEqual({ ENTREPOT_FX_TO_USD: {} });
    expect(NormalizeEnv.safeParse({ ENTREPOT_FX_TO_USD: "EUR:1.1" }).success).toBe(false);
    expect(NormalizeEnv.safeParse({ ENTREPOT_FX_TO_USD: "EUR=0" }).success).toBe(false);
  });
});

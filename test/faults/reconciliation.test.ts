import type { Alert } from "@entrepot/schemas";
import { describe, expect, it } from "vitest";
import { buildFeedChunks, DEFAULT_FEED, seededRandom } from "./faultFeed";
import { expectedDeliveries, formatReconciliationTable, latestAlerts, reconcileKeys } from "./reconciliation";

const alert = (over: Partial<Alert>): Alert => ({
  schemaVersion: 1,
  alertId: "share_shift_yoy|ACME|SG|FY2022-Q1",
  rule: "share_shift_yoy",
  status: "fired",
  severity: "warning",
  entity: { company: "ACME" },
  region: "SG",
  regionName: "Singapore",
  period: "FY2022-Q1",
  baselinePeriod: "FY2021-Q1",
  observed: 0.28,
  baseline: 0.1,
  score: 5,
  threshold: 3,
  summary: "Singapore up",
  basis: "billing",
  evidence: [],
  revision: 1,
  detectedAt: "2024-01-01T00:00:00.000Z",
  ...over,
});

describe("reconcileKeys", () => {
  it("counts lost, duplicated and extra keys", () => {
    const r = reconcileKeys("clean", ["a", "b", "c"], ["a", "a", "c", "x"]);
    expect(r).toMatchObject({
      expected: 3,
      found: 2,
      lost: 1,
      duplicated: 1,
      extra: 1,
      lostKeys: ["b"],
      duplicatedKeys: ["a"],
      extraKeys: ["x"],
    });
  });

  it("counts duplicates over another list when given (webhook-ids for alert ids)", () => {
    const r = reconcileKeys("webhooks", ["a"], ["a", "a"], { duplicatesOf: ["evt_1", "evt_2"] });
    expect(r).toMatchObject({ found: 1, lost: 0, duplicated: 0 });
    expect(reconcileKeys("webhooks", ["a"], ["a"], { duplicatesOf: ["evt_1", "evt_1"] }).duplicatedKeys).toEqual(["evt_1"]);
  });
});

describe("expected deliveries", () => {
  it("lets an active critical inhibit the lesser alerts of its entity and period only", () => {
    const critical = alert({ alertId: "c", severity: "critical" });
    const inhibited = alert({ alertId: "w" });
    const otherPeriod = alert({ alertId: "w2", period: "FY2022-Q2" });
    const retracted = alert({ alertId: "r", status: "retracted" });
    const { must, may } = expectedDeliveries([critical, inhibited, otherPeriod, retracted]);
    expect(must.map((a) => a.alertId)).toEqual(["c", "w2"]);
    expect(may.map((a) => a.alertId)).toEqual(["w"]);
  });

  it("keeps the latest revision of each alert", () => {
    const latest = latestAlerts([alert({ revision: 2, status: "updated" }), alert({ revision: 1 })]);
    expect(latest.get("share_shift_yoy|ACME|SG|FY2022-Q1")?.revision).toBe(2);
  });
});

describe("fault feed", () => {
  it("is deterministic: the same seed gives the same rows, another seed other amounts", () => {
    const a = buildFeedChunks(DEFAULT_FEED);
    expect(buildFeedChunks(DEFAULT_FEED).chunks).toEqual(a.chunks);
    expect(buildFeedChunks({ ...DEFAULT_FEED, seed: 14 }).chunks[0]?.lines[1]).not.toEqual(a.chunks[0]?.lines[1]);
    expect(seededRandom(1)()).toBe(seededRandom(1)());
  });

  it("knows what every row must become: one clean key per valid row, a reason per invalid row", () => {
    const { chunks, cleanKeys, rejects, rowPositions, shifted } = buildFeedChunks(DEFAULT_FEED);
    const rows = chunks.reduce((n, c) => n + c.lines.length - 1, 0);
    expect(rowPositions).toHaveLength(rows);
    expect(cleanKeys.length + rejects.size).toBe(rows);
    expect(new Set(cleanKeys).size).toBe(cleanKeys.length);
    expect(cleanKeys.length).toBe(DEFAULT_FEED.companies * DEFAULT_FEED.quarters * 5);
    expect(shifted.length).toBeGreaterThan(0);
    const lineAt = (position: string) => {
      const [file, line] = position.split(":") as [string, string];
      return chunks.find((c) => c.name === file)?.lines[Number(line) - 1] ?? "";
    };
    const reasons = new Set([...rejects.values()].map((r) => r.reason));
    expect(reasons).toEqual(
      new Set(["bad_number", "unknown_region", "bad_fiscal_period", "negative_value", "bad_scale", "bad_date", "column_count"]),
    );
    for (const [position, { reason }] of rejects) {
      if (reason === "unknown_region") expect(lineAt(position).split(",")[2]).toBe("4711");
      if (reason === "column_count") expect(lineAt(position).split(",")).toHaveLength(8);
    }
    // every valid row is a 7-column line of a company the key names
    const valid = rowPositions.filter((p) => !rejects.has(p));
    const companies = valid.map((p) => lineAt(p).split(",")[0]);
    expect(companies).toEqual(cleanKeys.map((k) => k.split("|")[0]));
  });
});

describe("formatReconciliationTable", () => {
  it("prints one row per stage, the figures and the keys behind a loss", () => {
    const text = formatReconciliationTable("kill", [reconcileKeys("clean", ["a", "b"], ["a"])], [{ label: "recovery", value: "2.0 s" }]);
    expect(text).toContain("clean");
    expect(text).toContain("recovery  2.0 s");
    expect(text).toContain("clean lost: b");
  });
});

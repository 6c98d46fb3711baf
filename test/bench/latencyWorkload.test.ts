import { normalizeRecord } from "@entrepot/normalize";
import { RawRecord } from "@entrepot/schemas";
import { describe, expect, it } from "vitest";
import { INVALID_EVERY, indexOfLine, latencyWorkload, REVISION_EVERY, rawRecordAt, WORKLOAD_FILES } from "./latencyWorkload";

describe("latencyWorkload", () => {
  const workload = latencyWorkload({ records: 20_000, seed: 13, quarters: 12 });
  const raws = workload.records.map((_, i) => rawRecordAt(workload, i, "run-1"));

  it("mixes revenue and customs with broken rows and revisions in fixed proportions", () => {
    const { counts } = workload;
    expect(workload.records).toHaveLength(20_000);
    expect(counts.revenue + counts.customs + counts.invalid + counts.revision).toBe(20_000);
    expect(counts.invalid).toBe(20_000 / INVALID_EVERY);
    expect(counts.revision).toBe(20_000 / REVISION_EVERY);
    expect(counts.revenue / (counts.revenue + counts.customs)).toBeCloseTo(0.8, 1);
  });

  it("publishes raw records the topic accepts, each on its own line", () => {
    for (const raw of raws.slice(0, 500)) expect(RawRecord.safeParse(raw).success).toBe(true);
    const keys = new Set(raws.map((r) => `${r.provenance.file}:${r.provenance.line}`));
    expect(keys.size).toBe(raws.length);
    expect(raws.map((r) => indexOfLine(r.provenance.line))).toEqual(raws.map((_, i) => i));
    expect(new Set(raws.map((r) => r.provenance.file))).toEqual(new Set(Object.values(WORKLOAD_FILES)));
  });

  it("breaks exactly the invalid rows (each with a reason code) and keeps every other one normalizable", () => {
    const reasons = new Set<string>();
    workload.records.forEach((r, i) => {
      const result = normalizeRecord(raws[i] as RawRecord);
      expect(result.ok, `${r.kind} record ${i}`).toBe(r.kind !== "invalid");
      if (!result.ok) reasons.add(result.problem.reason);
    });
    expect(reasons.size).toBeGreaterThanOrEqual(3);
  });

  it("walks both feeds through time together: filings by publication date, customs by month", () => {
    const revenue = workload.records.filter((r) => r.kind === "revenue").map((r) => r.fields.reported_at ?? "");
    expect(revenue).toEqual([...revenue].sort());
    const customs = workload.records.filter((r) => r.kind === "customs").map((r) => r.fields.period ?? "");
    expect(customs).toEqual([...customs].sort());
    // halfway through the stream, both feeds are about halfway through their history
    const half = workload.records.slice(0, 10_000);
    const revenueFirstHalf = half.filter((r) => r.kind === "revenue").length / workload.counts.revenue;
    const customsFirstHalf = half.filter((r) => r.kind === "customs").length / workload.counts.customs;
    expect(Math.abs(revenueFirstHalf - customsFirstHalf)).toBeLessThan(0.02);
  });

  it("re-publishes earlier revenue rows as revisions with a new figure, never backdated", () => {
    const revisions = workload.records.filter((r) => r.kind === "revision");
    for (const rev of revisions.slice(0, 50)) {
      const original = workload.records.find(
        (r) =>
          r.kind === "revenue" &&
          r.fields.company === rev.fields.company &&
          r.fields.fiscal_period === rev.fields.fiscal_period &&
          r.fields.region === rev.fields.region,
      );
      expect(original).toBeDefined();
      expect(rev.fields.revenue).not.toBe(original?.fields.revenue);
      expect((rev.fields.reported_at ?? "") >= (original?.fields.reported_at ?? "")).toBe(true);
    }
  });

  it("is a pure function of its options", () => {
    const options = { records: 2000, seed: 7, quarters: 12 };
    expect(latencyWorkload(options).records).toEqual(latencyWorkload(options).records);
    expect(latencyWorkload({ ...options, seed: 8 }).records).not.toEqual(latencyWorkload(options).records);
  });
});

import { RevenueClean } from "@entrepot/schemas";
import { describe, expect, it } from "vitest";
import { latestRevisions, revenueCompositions } from "./compositions";

function fact(period: string, region: string, usd: number, asOf = "2024-01-01"): RevenueClean {
  const m = /^FY(\d{4})-Q(\d)$/.exec(period);
  return RevenueClean.parse({
    schemaVersion: 1,
    company: "ACME",
    fiscalPeriod: period,
    fiscalYear: Number(m?.[1]),
    fiscalQuarter: Number(m?.[2]),
    regionLabel: region,
    region,
    regionName: region,
    revenueUsd: usd,
    basis: "billing",
    asOf,
    provenance: { source: "test", file: "test.csv", line: 1, ingestRun: "run-1", format: "csv" },
  });
}

describe("revenue compositions", () => {
  it("a restated figure (later asOf) replaces the earlier one, whatever the arrival order", () => {
    const restated = [fact("FY2024-Q1", "SG", 300, "2024-06-01"), fact("FY2024-Q1", "SG", 100, "2024-03-01")];
    expect(latestRevisions(restated).map((r) => r.revenueUsd)).toEqual([300]);
    const [c] = revenueCompositions([...restated, fact("FY2024-Q1", "US", 700)]);
    expect(c?.total).toBe(1000);
    expect(c?.parts.find((p) => p.region === "SG")?.share).toBeCloseTo(0.3, 12);
  });

  it("shares, change vs previous period and a year earlier, and HHI", () => {
    const rows = [
      ["FY2023-Q1", 100, 900],
      ["FY2023-Q2", 100, 900],
      ["FY2023-Q3", 100, 900],
      ["FY2023-Q4", 100, 900],
      ["FY2024-Q1", 200, 800],
    ] as const;
    const comps = revenueCompositions(rows.flatMap(([p, sg, us]) => [fact(p, "SG", sg), fact(p, "US", us)]));
    const last = comps.at(-1);
    const sg = last?.parts.find((p) => p.region === "SG");
    expect(sg?.changePrev).toBeCloseTo(0.1, 12);
    expect(sg?.changeYoy).toBeCloseTo(0.1, 12);
    expect(last?.hhi).toBeCloseTo(0.2 ** 2 + 0.8 ** 2, 12);
    expect(comps[0]?.parts[0]?.changePrev).toBeNull();
  });

  it("flags appearing and disappearing regions, gaps and tiny totals", () => {
    const comps = revenueCompositions(
      [
        [fact("FY2023-Q1", "US", 900), fact("FY2023-Q1", "OTHER", 100)],
        [fact("FY2023-Q2", "US", 900), fact("FY2023-Q2", "SG", 100)],
        [fact("FY2023-Q4", "US", 0.5)],
      ].flat(),
      { minTotalUsd: 1 },
    );
    const [, q2, q4] = comps;
    expect(q2?.parts.find((p) => p.region === "SG")?.appeared).toBe(true);
    expect(q2?.disappeared).toEqual(["OTHER"]);
    expect(q4?.gapBefore).toBe(true);
    expect(q4?.tinyTotal).toBe(true);
    expect(q4?.parts[0]?.changePrev).toBeNull();
  });

  it("a zero total gives zero shares, not NaN", () => {
    const [c] = revenueCompositions([fact("FY2023-Q1", "US", 0), fact("FY2023-Q1", "SG", 0)]);
    expect(c?.parts.every((p) => p.share === 0)).toBe(true);
    expect(c?.tinyTotal).toBe(true);
  });
});

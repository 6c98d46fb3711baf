import { RevenueClean } from "@entrepot/schemas";
import { describe, expect, it } from "vitest";
import { revenueCompositions } from "./compositions";
import { detectAll } from "./detectAll";
import { detectBasisChanges, detectDataQuality } from "./notices";
import { notJudged } from "./notJudged";
import { DEFAULT_RULES } from "./rulesConfig";

type Row = [period: string, region: string, usdM: number, extra?: Partial<RevenueClean>];

/** Clean facts of one company (USD millions), billing basis unless a row says otherwise. */
function facts(rows: readonly Row[], company = "ACME"): RevenueClean[] {
  return rows.map(([period, region, usdM, extra]) =>
    RevenueClean.parse({
      schemaVersion: 1,
      company,
      fiscalPeriod: period,
      fiscalYear: Number(period.slice(2, 6)),
      ...(period.includes("-Q") ? { fiscalQuarter: Number(period.slice(-1)) } : { frequency: "year" }),
      regionLabel: region,
      region,
      regionName: region === "TOTAL" ? "Total" : region,
      ...(region === "TOTAL" ? { regionKind: "total" } : {}),
      revenueUsd: usdM * 1e6,
      basis: "billing",
      asOf: "2025-01-01",
      provenance: { source: "t", file: "t.csv", line: 1, ingestRun: "t", format: "revenue-csv" },
      ...extra,
    }),
  );
}

describe("compositions over the reported total, one basis each", () => {
  it("divides by the total row, says what it leaves unattributed, and never mixes bases", () => {
    const comps = revenueCompositions(
      facts([
        ["FY2025", "US", 61_257],
        ["FY2025", "GROUP:CN+HK", 17_108],
        ["FY2025", "TOTAL", 130_497],
        ["FY2025", "US", 77_482, { basis: "headquarters" }],
        ["FY2025", "TW", 23_600, { basis: "headquarters" }],
        ["FY2025", "GROUP:CN+HK", 25_048, { basis: "headquarters" }],
        ["FY2025", "GROUP:OTHER", 4_367, { basis: "headquarters" }],
        ["FY2025", "TOTAL", 130_497, { basis: "headquarters" }],
      ]),
    );
    expect(comps.map((c) => [c.basis ?? "billing", c.frequency, c.total]).sort()).toEqual([
      ["billing", "year", 130_497e6],
      ["headquarters", "year", 130_497e6],
    ]);
    const billing = comps.find((c) => c.basis === undefined);
    expect(billing?.parts.find((p) => p.region === "US")?.share).toBeCloseTo(61_257 / 130_497, 6);
    expect(billing?.unattributed).toBe((130_497 - 61_257 - 17_108) * 1e6);
    expect(billing?.parts.some((p) => p.region === "TOTAL")).toBe(false);
    expect(comps.find((c) => c.basis === "headquarters")?.unattributed).toBe(0);
  });
});

describe("notices", () => {
  it("total_mismatch names the gap; a total matched within rounding says nothing", () => {
    const drafts = detectDataQuality(
      revenueCompositions(
        facts([
          ["FY2025-Q3", "US", 30_000],
          ["FY2025-Q3", "SG", 12_800],
          ["FY2025-Q3", "TOTAL", 35_100],
          ["FY2025-Q4", "US", 30_000],
          ["FY2025-Q4", "SG", 9_999],
          ["FY2025-Q4", "TOTAL", 40_000],
        ]),
      ),
    );
    expect(drafts).toHaveLength(1);
    expect(drafts[0]).toMatchObject({ rule: "total_mismatch", kind: "data_quality", period: "FY2025-Q3", severity: "warning" });
    expect(drafts[0]?.summary).toContain(
      "ACME's regions add up to $42.8bn in FY2025-Q3 against a reported total of $35.1bn (121.9%): $7.7bn more than the total",
    );
  });

  it("an unknown label stays a region of its own, with one notice where it first appears", () => {
    const opaque = { regionKind: "opaque" as const, regionName: "Sovereign customers" };
    const comps = revenueCompositions(
      facts([
        ["FY2025-Q1", "US", 80],
        ["FY2025-Q1", "LABEL:sovereign-customers", 20, opaque],
        ["FY2025-Q2", "US", 75],
        ["FY2025-Q2", "LABEL:sovereign-customers", 25, opaque],
      ]),
    );
    expect(comps[0]?.parts.find((p) => p.kind === "opaque")?.share).toBeCloseTo(0.2, 6);
    const drafts = detectDataQuality(comps);
    expect(drafts.map((d) => [d.rule, d.period, d.regionName])).toEqual([["unrecognized_region", "FY2025-Q1", "Sovereign customers"]]);
  });

  it("a change of basis is one notice: from what, to what, from which period, like for like on the recast period", () => {
    const comps = revenueCompositions(
      facts([
        ["FY2026-Q2", "US", 48],
        ["FY2026-Q2", "SG", 52],
        ["FY2026-Q3", "US", 46],
        ["FY2026-Q3", "SG", 54],
        ["FY2026-Q3", "US", 70, { basis: "headquarters" }],
        ["FY2026-Q3", "TW", 30, { basis: "headquarters" }],
        ["FY2026-Q4", "US", 71, { basis: "headquarters" }],
        ["FY2026-Q4", "TW", 29, { basis: "headquarters" }],
      ]),
    );
    const drafts = detectBasisChanges(comps);
    expect(drafts).toHaveLength(1);
    expect(drafts[0]).toMatchObject({
      rule: "basis_change",
      kind: "definition_change",
      severity: "info",
      region: "US",
      period: "FY2026-Q3",
      observed: 0.7,
      baseline: 0.46,
      basis: "revenue by customer headquarters location",
    });
    expect(drafts[0]?.summary).toContain(
      "from FY2026-Q4 (FY2026-Q3 recast): revenue by customer headquarters location, previously revenue by customer billing location (last FY2026-Q3)",
    );
    expect(drafts[0]?.summary).toContain("FY2026-Q3 on both: US 46.0% -> 70.0%, TW not reported -> 30.0%, SG 54.0% -> not reported.");
    // no anomaly reads the change itself as a move
    expect(detectAll(comps).filter((d) => d.kind === "anomaly")).toEqual([]);
  });

  it("says what was not judged and what it would need", () => {
    const comps = revenueCompositions(
      facts([
        ["FY2024", "US", 60],
        ["FY2024", "TW", 40],
        ["FY2025", "US", 70],
        ["FY2025", "TW", 30],
      ]),
    );
    expect(notJudged(comps, DEFAULT_RULES)).toEqual([
      expect.objectContaining({
        region: "US",
        frequency: "year",
        periods: ["FY2024", "FY2025"],
        needs: "5 earlier years of the same series (share_step)",
      }),
      expect.objectContaining({ region: "TW", periods: ["FY2024", "FY2025"] }),
    ]);
  });
});

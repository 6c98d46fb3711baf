import { describe, expect, it } from "vitest";
import { detectDefinitionChanges, findDefinitionChanges } from "./definitionChange";
import { detectAll } from "./detectAll";
import { series } from "./testSeries";

/** Eight quarters with Singapore inside "Other countries" (25%), then split out at 15% of a growing total. */
function splitOut(): ReturnType<typeof series> {
  const before = Array.from({ length: 8 }, (_, i) => ({ US: 450 + i, TW: 300, OTHER: 250 + (i % 2) * 3 }));
  const after = Array.from({ length: 6 }, () => ({ US: 450, TW: 300, SG: 150, OTHER: 100 }));
  return series("ACME", "FY2020-Q1", [...before, ...after]);
}

describe("definition changes are not anomalies", () => {
  it("recognises Singapore split out of Other countries: info severity, kind definition_change, like with like", () => {
    const drafts = detectDefinitionChanges(splitOut());
    expect(drafts).toHaveLength(1);
    const [d] = drafts;
    expect(d).toMatchObject({
      alertId: "definition_change|ACME|SG|FY2022-Q1",
      rule: "definition_change",
      kind: "definition_change",
      severity: "info",
      region: "SG",
      period: "FY2022-Q1",
      baselinePeriod: "FY2021-Q4",
    });
    expect(d?.summary).toBe(
      "Singapore is reported on its own from FY2022-Q1 (15.0% of ACME revenue), the labels do not say where it was before; Other " +
        "countries fell by about as much: Other countries went from 25.0% to 10.0% (-15.0 pp), a change in how regions are reported, " +
        "not a move; like for like, Singapore + Other countries = 25.0% vs 25.0% in FY2021-Q4 (+0.0 pp); revenue by customer billing location.",
    );
    expect(d?.summary).not.toMatch(/0\.0% ->|rose/);
  });

  it("no other rule reports the split as a surge of Singapore or a collapse of Other countries", () => {
    const drafts = detectAll(splitOut());
    expect(drafts.map((d) => d.rule)).toEqual(["definition_change"]);
  });

  it("a new region with no matching drop anywhere is still a definition change, with warning severity", () => {
    const rows = [...Array.from({ length: 4 }, () => ({ US: 600, TW: 400 })), { US: 600, TW: 400, SG: 150 }];
    const [d] = detectDefinitionChanges(series("ACME", "FY2020-Q1", rows));
    expect(d).toMatchObject({ kind: "definition_change", severity: "warning", region: "SG" });
    expect(d?.summary).toContain("reported for the first time in FY2021-Q1");
  });

  it("finds the parent from the labels, not from a numeric coincidence with a named country", () => {
    // Taiwan fell by exactly Singapore's share, "Other countries" by less: the labels say Singapore left Other countries
    const rows = [...Array.from({ length: 4 }, () => ({ US: 400, TW: 350, OTHER: 250 })), { US: 400, TW: 200, SG: 150, OTHER: 250 }];
    const comps = series("ACME", "FY2020-Q1", rows).map((c, i) => ({
      ...c,
      parts: c.parts.map((p) => (p.region === "OTHER" ? { ...p, ...(i < 4 ? { includes: ["SG"] } : { excludes: ["SG"] }) } : p)),
    }));
    const [d] = detectDefinitionChanges(comps);
    expect(d).toMatchObject({ severity: "info", region: "SG", observed: 0.15, baseline: 0.25 });
    expect(d?.summary).toContain("split out of Other countries (its label now excludes Singapore)");
    expect(d?.summary).toContain("like for like, Singapore + Other countries = 40.0% vs 25.0% in FY2020-Q4");
    // without the labels a named country is never the parent either
    const [plain] = detectDefinitionChanges(
      series("ACME", "FY2020-Q1", rows.slice(0, 4).concat([{ US: 400, TW: 200, SG: 150, OTHER: 250 }])),
    );
    expect(plain).toMatchObject({ severity: "warning", region: "SG" });
    expect(plain?.summary).not.toContain("Taiwan");
  });

  it("a row missing in one period is a data gap, not a merge, and does not break the series", () => {
    const rows = [
      ...Array.from({ length: 4 }, () => ({ US: 500, SG: 100, OTHER: 400 })),
      { US: 500, OTHER: 500 },
      { US: 500, SG: 100, OTHER: 400 },
    ];
    const { drafts, breaks } = findDefinitionChanges(series("ACME", "FY2020-Q1", rows));
    expect(drafts).toHaveLength(1);
    expect(drafts[0]).toMatchObject({ rule: "data_gap", kind: "data_quality", severity: "warning", region: "SG", period: "FY2021-Q1" });
    expect(drafts[0]?.summary).toContain("Singapore is not reported for ACME in FY2021-Q1 (it was 10.0% in FY2020-Q4)");
    expect(breaks.periods("company=ACME", "SG")).toEqual([]);
    expect(breaks.periods("company=ACME", "OTHER")).toEqual([]);
  });

  it("a region is merged only when a group's label now includes it", () => {
    const rows = [...Array.from({ length: 4 }, () => ({ US: 500, SG: 100, OTHER: 400 })), { US: 500, OTHER: 500 }];
    const comps = series("ACME", "FY2020-Q1", rows).map((c, i) =>
      i === 4 ? { ...c, parts: c.parts.map((p) => (p.region === "OTHER" ? { ...p, includes: ["SG"] } : p)) } : c,
    );
    const [d] = detectDefinitionChanges(comps);
    expect(d).toMatchObject({ kind: "definition_change", severity: "info", region: "SG", observed: 0 });
    expect(d?.summary).toContain(
      "Singapore (10.0% of ACME revenue in FY2020-Q4) is no longer reported from FY2021-Q1: Other countries' label",
    );
  });

  it("regions present from an entity's first period are not new", () => {
    expect(
      detectDefinitionChanges(
        series("ACME", "FY2020-Q1", [
          { US: 1, SG: 1 },
          { US: 1, SG: 1 },
        ]),
      ),
    ).toEqual([]);
  });
});

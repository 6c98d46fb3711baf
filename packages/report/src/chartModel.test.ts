import { alertFixture as testAlert } from "@entrepot/testkit";
import { describe, expect, it } from "vitest";
import { buildChartModel, buildChartModels } from "./chartModel";
import { parseNotices } from "./inputs";
import { compositionOf as composition } from "./compositionOf";

const NVDA = { company: "NVDA" };
const names = { US: "United States", SG: "Singapore", TW: "Taiwan" };
const quarters = [
  composition(NVDA, "FY2025-Q1", { US: 35, SG: 16, TW: 49 }, { names }),
  composition(NVDA, "FY2024-Q3", { US: 33, SG: 13, TW: 54 }, { names }),
  composition(NVDA, "FY2025-Q3", { US: 33, SG: 22 }, { names }),
];

describe("buildChartModel", () => {
  it("makes a series per region (largest first) with share and amount per period, null where not reported", () => {
    const model = buildChartModel({ compositions: quarters });
    expect(model?.periods).toEqual(["FY2024-Q3", "FY2025-Q1", "FY2025-Q3"]);
    // by amount over all periods: Taiwan 103, United States 101, Singapore 51
    expect(model?.series.map((s) => s.name)).toEqual(["Taiwan", "United States", "Singapore"]);
    const sg = model?.series.find((s) => s.region === "SG");
    expect(sg?.points.map((p) => p?.amount)).toEqual([13, 16, 22]);
    expect(sg?.points[2]?.share).toBeCloseTo(22 / 55);
    expect(model?.series.find((s) => s.region === "TW")?.points[2]).toBeNull();
    expect(model?.totals).toEqual([100, 100, 55]);
    expect(model).toMatchObject({ kind: "revenue", basis: "billing", subtitle: "revenue by customer billing location" });
    expect(model?.title).toBe("NVDA: share of revenue by region");
  });

  it("returns null when there is nothing to chart", () => {
    expect(buildChartModel({ compositions: [] })).toBeNull();
  });

  it("puts each alert's latest revision on its region's series at its period, with the explanation and figures", () => {
    const shift = testAlert({ rule: "share_shift_yoy", region: "SG", period: "FY2025-Q3", regionName: "Singapore" });
    const model = buildChartModel({
      compositions: quarters,
      alerts: [
        shift,
        { ...shift, revision: 2, status: "updated", summary: "Singapore's share rose to 40.0%." },
        testAlert({ rule: "share_shift_yoy", region: "SG", period: "FY2025-Q3", entity: { company: "AMD" } }),
        testAlert({ rule: "level_shift", region: "US", period: "FY2019-Q1" }),
      ],
    });
    expect(model?.markers).toHaveLength(1);
    const m = model?.markers[0];
    expect(m).toMatchObject({
      id: shift.alertId,
      number: 1,
      kind: "alert",
      region: "SG",
      regionName: "Singapore",
      period: "FY2025-Q3",
      amount: 22,
      severity: "warning",
      status: "updated",
      summary: "Singapore's share rose to 40.0%.",
      evidence: shift.evidence,
    });
    expect(m?.share).toBeCloseTo(0.4);
    expect(m?.figures).toEqual(
      expect.arrayContaining([
        { label: "observed (FY2025-Q3)", value: "22.0%" },
        { label: "baseline (FY2025-Q3)", value: "13.0%" },
        { label: "status", value: "updated, revision 2" },
      ]),
    );
  });

  it("draws a line where an alert's region is not a series, and marks definition changes as such", () => {
    const model = buildChartModel({
      compositions: quarters,
      alerts: [
        testAlert({ rule: "share_shift_yoy", region: "GROUP:OTHER", period: "FY2025-Q1" }),
        testAlert({ rule: "definition_change", kind: "definition_change", severity: "info", region: "TW", period: "FY2025-Q3" }),
      ],
    });
    expect(model?.markers.map((m) => [m.kind, m.region, m.period])).toEqual([
      ["alert", null, "FY2025-Q1"],
      // TW is not reported in FY2025-Q3: no point to sit on
      ["definition_change", null, "FY2025-Q3"],
    ]);
  });

  it("charts the basis in use, marks a basis change, and shows one basis when asked", () => {
    const compositions = [
      composition(NVDA, "FY2024-Q4", { US: 40, SG: 60 }, { basis: "billing" }),
      composition(NVDA, "FY2025-Q1", { US: 45, SG: 55 }, { basis: "billing" }),
      composition(NVDA, "FY2025-Q1", { US: 70, SG: 30 }, { basis: "shipping" }),
      composition(NVDA, "FY2025-Q2", { US: 72, SG: 28 }, { basis: "shipping" }),
    ];
    const inUse = buildChartModel({ compositions });
    expect(inUse?.basis).toBe("shipping");
    expect(inUse?.series.find((s) => s.region === "US")?.points.map((p) => p?.amount)).toEqual([40, 70, 72]);
    expect(inUse?.markers).toEqual([
      expect.objectContaining({
        kind: "basis_change",
        period: "FY2025-Q1",
        region: null,
        summary: expect.stringContaining("revenue by shipping destination; up to FY2024-Q4 they were revenue by customer billing location"),
      }),
    ]);
    const billing = buildChartModel({ compositions, basis: "billing" });
    expect(billing?.periods).toEqual(["FY2024-Q4", "FY2025-Q1"]);
    expect(billing?.markers).toEqual([]);
    expect(billing?.subtitle).toBe("revenue by customer billing location");
  });

  it("takes notices tolerantly: definition and basis notices become markers, a stated basis change is not doubled", () => {
    const compositions = [
      composition(NVDA, "FY2024-Q4", { US: 40, SG: 60 }, { basis: "billing" }),
      composition(NVDA, "FY2025-Q1", { US: 70, SG: 30 }, { basis: "shipping" }),
    ];
    const notices = parseNotices([
      { kind: "basis_change", period: "FY2025-Q1", company: "NVDA", summary: "NVDA now reports by shipping destination." },
      { kind: "definition_change", period: "FY2025-Q1", entity: NVDA, region: "SG", message: "Singapore split out of APAC." },
      { kind: "data_quality", period: "FY2024-Q4", summary: "restated", extra: { any: "thing" } },
      { kind: "basis_change", period: "FY2025-Q1", company: "AMD" },
      { period: "FY2025-Q1" },
      "not a notice",
    ]);
    expect(notices).toHaveLength(4);
    const model = buildChartModel({ compositions, notices });
    expect(model?.markers.map((m) => [m.number, m.kind, m.region, m.period, m.summary])).toEqual([
      [1, "basis_change", null, "FY2025-Q1", "NVDA now reports by shipping destination."],
      [2, "definition_change", "SG", "FY2025-Q1", "Singapore split out of APAC."],
      [3, "notice", null, "FY2024-Q4", "restated"],
    ]);
  });

  it("charts a hub's customs shares with the customs alerts about the hub on the partner they concern", () => {
    const hub = { reporter: "SG", hs: "854231+847330", flow: "import" };
    const exportsOfMy = { reporter: "MY", hs: "854231+847330", flow: "export" };
    const compositions = [
      composition({ ...hub, flow: "export" }, "2024-08", { CN: 1 }),
      composition(hub, "2024-07", { TW: 80, KR: 20 }),
      composition(hub, "2024-08", { TW: 50, KR: 50 }),
      composition(exportsOfMy, "2024-05", { US: 60, HK: 40 }),
    ];
    const mirror = testAlert({
      rule: "mirror_gap",
      entity: { reporter: "TW", partner: "SG", hs: "854231" },
      region: "SG",
      period: "2024-08",
    });
    mirror.observed = 95_200_000;
    mirror.baseline = 200_000_000;
    const surge = testAlert({
      rule: "reexport_surge",
      entity: { reporter: "MY", hs: "854231+847330" },
      region: "CN+HK+MO+RU",
      period: "2024-05",
    });
    const company = testAlert({ rule: "share_shift_yoy", region: "SG", period: "2024-08" });
    const models = buildChartModels(compositions, [mirror, surge, company]);
    expect(models.map((m) => m.title)).toEqual([
      "MY: exports by destination, HS 854231+847330",
      "SG: exports by destination, HS 854231+847330",
      "SG: imports by origin, HS 854231+847330",
    ]);
    // the mirror gap is about what TW exported to SG and what SG imported: not about SG's exports
    expect(models[1]?.markers).toEqual([]);
    const sg = models[2];
    expect(sg?.kind).toBe("customs");
    expect(sg?.markers.map((m) => [m.id, m.region])).toEqual([[mirror.alertId, "TW"]]);
    expect(sg?.markers[0]?.figures).toEqual(expect.arrayContaining([{ label: "observed (2024-08)", value: "$95.2m" }]));
    expect(models[0]?.markers.map((m) => [m.id, m.region])).toEqual([[surge.alertId, "HK"]]);
  });

  it("lists revenue charts before customs charts", () => {
    const models = buildChartModels([composition({ reporter: "SG", hs: "8471", flow: "export" }, "2024-01", { CN: 1 }), ...quarters]);
    expect(models.map((m) => m.kind)).toEqual(["revenue", "customs"]);
  });
});

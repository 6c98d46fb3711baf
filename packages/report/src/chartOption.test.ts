import { alertFixture as testAlert } from "@entrepot/testkit";
import { describe, expect, it } from "vitest";
import { buildChartModel } from "./chartModel";
import { chartOption, MARKER_LINES_SERIES, markerColour } from "./chartOption";
import { compositionOf as composition } from "./compositionOf";

const NVDA = { company: "NVDA" };
const names = { US: "United States", SG: "Singapore" };
const model = buildChartModel({
  compositions: [
    composition(NVDA, "FY2024-Q3", { US: 87, SG: 13 }, { names }),
    composition(NVDA, "FY2025-Q3", { US: 78, SG: 22 }, { names }),
  ],
  alerts: [
    testAlert({ rule: "share_shift_yoy", region: "SG", period: "FY2025-Q3", regionName: "Singapore" }),
    testAlert({ rule: "corroboration", region: "SG", period: "FY2025-Q3", severity: "info" }),
    testAlert({ rule: "definition_change", kind: "definition_change", region: "GROUP:APAC", period: "FY2025-Q3" }),
  ],
});
if (!model) throw new Error("no model");
const option = chartOption(model) as {
  legend: { data: string[] };
  xAxis: { data: string[] };
  series: {
    id: string;
    name: string;
    data: ({ value: number; amount: number; tip: string } | null)[];
    markPoint?: { data: { name: string; coord: [string, number]; value: number; symbolOffset: number[]; tip: string }[] };
    markLine?: { data: { name: string; xAxis: string; lineStyle: { color: string } }[] };
  }[];
};

describe("chartOption", () => {
  it("is plain JSON: a line per region in %, each point with its amount and hover label", () => {
    expect(JSON.parse(JSON.stringify(option))).toEqual(option);
    expect(option.legend.data).toEqual(["United States", "Singapore"]);
    expect(option.xAxis.data).toEqual(["FY2024-Q3", "FY2025-Q3"]);
    const sg = option.series.find((s) => s.id === "region:SG");
    expect(sg?.data.map((d) => d?.value)).toEqual([13, 22]);
    expect(sg?.data[1]).toMatchObject({ amount: 22, tip: "Singapore: $22, 22.0%" });
  });

  it("pins alerts on their point, side by side when they share it, named by marker id", () => {
    const pins = option.series.find((s) => s.id === "region:SG")?.markPoint?.data ?? [];
    expect(pins.map((p) => [p.name, p.coord, p.value])).toEqual([
      ["corroboration|NVDA|SG|FY2025-Q3", ["FY2025-Q3", 22], 1],
      ["share_shift_yoy|NVDA|SG|FY2025-Q3", ["FY2025-Q3", 22], 3],
    ]);
    expect(pins[0]?.symbolOffset[0]).toBeLessThan(0);
    expect(pins[1]?.symbolOffset[0]).toBeGreaterThan(0);
    expect(pins[1]?.tip).toContain("Singapore FY2025-Q3, $22, 22.0%");
    expect(option.series.find((s) => s.id === "region:US")?.markPoint?.data).toEqual([]);
  });

  it("draws markers without a series as dashed lines on a series kept out of the legend", () => {
    const lines = option.series.find((s) => s.id === MARKER_LINES_SERIES);
    expect(lines?.data).toEqual([]);
    expect(lines?.markLine?.data.map((l) => [l.name, l.xAxis])).toEqual([["definition_change|NVDA|GROUP:APAC|FY2025-Q3", "FY2025-Q3"]]);
    expect(lines?.markLine?.data[0]?.lineStyle.color).toBe(markerColour({ kind: "definition_change", severity: null }));
    expect(option.legend.data).not.toContain(MARKER_LINES_SERIES);
  });
});

import type { ScenarioLabel } from "@entrepot/synthetic";
import { describe, expect, it } from "vitest";
import { type ScenarioAlert, scoreScenarios } from "./backtestScenarios";

const label = (company: string, scenario: ScenarioLabel["scenario"], extra: Partial<ScenarioLabel>): ScenarioLabel => ({
  feed: "revenue",
  scenario,
  entity: { company },
  frequency: "quarter",
  first: "FY2020-Q1",
  last: "FY2024-Q4",
  story: "",
  alerts: [],
  notices: [],
  ...extra,
});
const alert = (company: string, rule: string, region: string, firstSeen: string, up = true, kind = "anomaly"): ScenarioAlert => ({
  alertId: `${rule}|${company}|${region}|${firstSeen}`,
  rule,
  kind,
  entity: { company },
  region,
  period: firstSeen,
  observed: up ? 0.3 : 0.1,
  baseline: 0.2,
  firstSeen,
});

describe("scoreScenarios", () => {
  it("scores expected alerts (true, echo, false, direction, delay) and notices (found, unexpected) per scenario", () => {
    const labels = [
      label("A", "hypergrowth", {
        alerts: [{ region: "SG", regionName: "Singapore", period: "FY2023-Q2", direction: "up", magnitudePp: 9 }],
      }),
      label("B", "hypergrowth", {
        alerts: [{ region: "SG", regionName: "Singapore", period: "FY2022-Q1", direction: "down", magnitudePp: -9 }],
      }),
      label("C", "annual", {
        frequency: "year",
        alerts: [{ region: "SG", regionName: "Singapore", period: "FY2019", direction: "up", magnitudePp: 10 }],
      }),
      label("D", "split_out", { notices: [{ notice: "split_out", region: "SG", regionName: "Singapore", period: "FY2022-Q3" }] }),
      label("E", "basis_change", { notices: [{ notice: "basis_change", region: "*", regionName: "", period: "FY2022-Q2" }] }),
    ];
    const alerts = [
      alert("A", "share_step", "SG", "FY2023-Q3"), // true, one quarter late
      alert("A", "level_shift", "SG", "FY2024-Q1"), // true, later
      alert("A", "level_shift", "TW", "FY2023-Q2"), // echo
      alert("A", "share_step", "TW", "FY2020-Q3"), // false: before the window
      alert("B", "share_step", "SG", "FY2022-Q1", true), // true but the wrong way
      alert("C", "share_shift_yoy", "SG", "FY2019"), // true, on time (years)
      alert("C", "share_shift_yoy", "SG", "FY2022"), // false: 3 years after
      alert("D", "definition_change", "SG", "FY2022-Q3", true, "definition_change"), // the notice
      alert("D", "data_gap", "TW", "FY2023-Q1", true, "data_quality"), // unexpected notice
      alert("D", "share_step", "GROUP:OTHER", "FY2022-Q3"), // false: a split is not a move
      alert("E", "basis_change", "US", "FY2022-Q2", true, "definition_change"), // any region for a basis change
    ];
    const result = scoreScenarios(labels, alerts);
    const by = new Map(result.byScenario.map((m) => [m.scenario, m]));
    expect(by.get("hypergrowth")).toMatchObject({
      companies: 2,
      expected: 2,
      detected: 2,
      truePositives: 3,
      echoes: 1,
      falseAlerts: 1,
      precision: 0.75,
      recall: 1,
      directionRight: 1,
      meanDelay: 0.5,
    });
    expect(by.get("hypergrowth")?.f1).toBeCloseTo(2 * (0.75 / 1.75), 10);
    expect(by.get("annual")).toMatchObject({ detected: 1, truePositives: 1, falseAlerts: 1, meanDelay: 0, directionRight: 1 });
    expect(by.get("split_out")).toMatchObject({
      expected: 0,
      recall: null,
      f1: null,
      falseAlerts: 1,
      noticesExpected: 1,
      noticesFound: 1,
      noticesUnexpected: 1,
    });
    expect(by.get("basis_change")).toMatchObject({ noticesExpected: 1, noticesFound: 1, noticesUnexpected: 0 });
    expect(result.byNotice.find((n) => n.notice === "data_gap")).toEqual({ notice: "data_gap", expected: 0, found: 0, unexpected: 1 });
    expect(result.missed).toEqual([]);
    // nothing raised: recall 0, F1 0, every expectation listed as missed
    const none = scoreScenarios(labels, []);
    expect(none.byScenario.find((m) => m.scenario === "hypergrowth")).toMatchObject({ recall: 0, f1: 0, precision: null });
    expect(none.missed).toHaveLength(5);
    expect(none.missed[0]).toBe("hypergrowth A: up alert on Singapore in FY2023-Q2 (9 pp)");
  });
});

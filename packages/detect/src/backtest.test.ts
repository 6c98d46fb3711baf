import { describe, expect, it } from "vitest";
import { type BacktestAlert, type BacktestLabel, backtest, periodOrdinal, summarize } from "./backtest";

const quarters = (company: string, n: number) =>
  Array.from({ length: n }, (_, i) => ({ entity: { company }, period: `FY${2020 + Math.floor(i / 4)}-Q${(i % 4) + 1}` }));

const alert = (rule: string, company: string, region: string, period: string, extra: Partial<BacktestAlert> = {}): BacktestAlert => ({
  alertId: `${rule}|${company}|${region}|${period}`,
  rule,
  kind: "anomaly",
  entity: { company },
  region,
  period,
  ...extra,
});

/**
 * Four companies x 12 quarters (FY2020-Q1..FY2022-Q4):
 * - A: spike in SG at FY2022-Q1 (+10 pp), detected in its quarter, plus a fall-back alert a year later (false)
 * - B: level shift in TW from FY2021-Q3 (+6 pp); level-shift alert with onset FY2021-Q2 raised with FY2021-Q4's data
 *   (true, delay 1), and a level-shift alert on US (echo: another region, inside the window)
 * - C: level shift in SG from FY2021-Q2 (+4 pp), missed
 * - D: noise-only, one false alert
 * plus a definition change (not judged) and an alert on an unlabelled company.
 */
const labels: BacktestLabel[] = [
  { entity: { company: "A" }, region: "SG", type: "spike", start: "FY2022-Q1", end: "FY2022-Q1", magnitudePp: 10 },
  { entity: { company: "B" }, region: "TW", type: "level_shift", start: "FY2021-Q3", magnitudePp: 6 },
  { entity: { company: "C" }, region: "SG", type: "level_shift", start: "FY2021-Q2", magnitudePp: 4 },
  { entity: { company: "D" }, region: "*", type: "noise", start: "FY2020-Q1", end: "FY2022-Q4", magnitudePp: 0 },
];
const alerts: BacktestAlert[] = [
  alert("share_shift_yoy", "A", "SG", "FY2022-Q1"),
  alert("share_shift_yoy", "A", "SG", "FY2023-Q1"),
  alert("level_shift", "B", "TW", "FY2021-Q2", { firstSeen: "FY2021-Q4" }),
  alert("level_shift", "B", "US", "FY2021-Q2", { firstSeen: "FY2022-Q1" }),
  alert("level_shift", "D", "JP", "FY2021-Q1"),
  alert("definition_change", "D", "JP", "FY2022-Q1", { kind: "definition_change" }),
  alert("level_shift", "E", "SG", "FY2021-Q1"),
];
const observed = [...quarters("A", 12), ...quarters("B", 12), ...quarters("C", 12), ...quarters("D", 12)];

describe("backtest (alerts against labelled anomalies)", () => {
  it("orders quarters and months", () => {
    expect(periodOrdinal("FY2021-Q1")).toEqual({ index: 2021 * 4, monthly: false });
    expect((periodOrdinal("2024-03")?.index ?? 0) - (periodOrdinal("2023-12")?.index ?? 0)).toBe(3);
    expect(periodOrdinal("2024")).toBeNull();
  });

  it("gives the known answer on a hand-made case", () => {
    const result = backtest(labels, alerts, observed);
    expect(result.unlabelled.map((a) => a.alertId)).toEqual(["level_shift|E|SG|FY2021-Q1"]);
    expect(result.ignored).toBe(1);
    const [a, b, c, d] = result.outcomes;
    expect(a).toMatchObject({
      detected: true,
      delay: 0,
      truePositives: ["share_shift_yoy|A|SG|FY2022-Q1"],
      falseAlerts: ["share_shift_yoy|A|SG|FY2023-Q1"],
    });
    expect(b).toMatchObject({
      detected: true,
      delay: 1,
      truePositives: ["level_shift|B|TW|FY2021-Q2"],
      echoes: ["level_shift|B|US|FY2021-Q2"],
      falseAlerts: [],
    });
    expect(c).toMatchObject({ detected: false, delay: null, truePositives: [], falseAlerts: [] });
    expect(d).toMatchObject({ quiet: true, falseAlerts: ["level_shift|D|JP|FY2021-Q1"], entityPeriods: 12 });

    const byType = Object.fromEntries(result.byType.map((m) => [m.type, m]));
    // spike: 1 of 1 detected, 1 true and 1 false alert -> P 0.5, R 1, F1 2/3
    expect(byType.spike).toMatchObject({
      labels: 1,
      detected: 1,
      truePositives: 1,
      falseAlerts: 1,
      precision: 0.5,
      recall: 1,
      meanDelay: 0,
    });
    expect(byType.spike?.f1).toBeCloseTo(2 / 3, 12);
    // level shifts: 1 of 2 detected, 1 true alert, no false, 1 echo -> P 1, R 0.5, F1 2/3, delay 1
    expect(byType.level_shift).toMatchObject({
      labels: 2,
      detected: 1,
      truePositives: 1,
      falseAlerts: 0,
      echoes: 1,
      precision: 1,
      recall: 0.5,
      meanDelay: 1,
    });
    expect(byType.level_shift?.f1).toBeCloseTo(2 / 3, 12);
    // noise: 1 false alert in 12 entity-periods = 16.7 per 200
    expect(byType.noise).toMatchObject({ quiet: true, precision: null, recall: null, f1: null, falseAlerts: 1, entityPeriods: 12 });
    expect(byType.noise?.falseAlertsPer200).toBeCloseTo((1 / 12) * 200, 12);
    // a magnitude filter: level shifts of 5 pp or more -> only B
    const big = summarize(result.outcomes, (l) => Math.abs(l.magnitudePp) >= 5).find((m) => m.type === "level_shift");
    expect(big).toMatchObject({ labels: 1, detected: 1, precision: 1, recall: 1, f1: 1 });
  });

  it("judges an alert by when it was raised: an alarm before the anomaly started is false, whatever its onset", () => {
    const early = alert("level_shift", "B", "TW", "FY2020-Q4", { firstSeen: "FY2021-Q1" });
    const late = alert("level_shift", "B", "TW", "FY2020-Q4", { firstSeen: "FY2021-Q3" });
    expect(backtest(labels, [early], observed).outcomes[1]).toMatchObject({ detected: false, falseAlerts: [early.alertId] });
    expect(backtest(labels, [late], observed).outcomes[1]).toMatchObject({ detected: true, delay: 0, truePositives: [late.alertId] });
    // beyond the window (end + 4 quarters): false
    const tooLate = alert("share_shift_yoy", "B", "TW", "FY2022-Q4");
    expect(backtest(labels, [tooLate], observed).outcomes[1]).toMatchObject({ detected: false, falseAlerts: [tooLate.alertId] });
  });

  it("matches customs labels by reporter and a region inside a destination group", () => {
    const label: BacktestLabel = { entity: { reporter: "SG" }, region: "CN", type: "surge", start: "2024-03", magnitudePp: 12 };
    const surge: BacktestAlert = {
      alertId: "reexport_surge|SG|2024-05",
      rule: "reexport_surge",
      kind: "anomaly",
      entity: { reporter: "SG", hs: "watched goods" },
      region: "CN+HK+MO+RU",
      period: "2024-05",
    };
    const months = ["2024-01", "2024-02", "2024-03", "2024-04", "2024-05"].map((period) => ({ entity: { reporter: "SG" }, period }));
    const result = backtest([label], [surge], months);
    expect(result.outcomes[0]).toMatchObject({ detected: true, delay: 2, entityPeriods: 5 });
    expect(result.byType[0]).toMatchObject({ type: "surge", precision: 1, recall: 1, f1: 1 });
  });
});

import { describe, expect, it } from "vitest";
import { DEFAULT_SHARE_STEP, detectShareCrossings, detectShareSteps } from "./shareStep";
import { noiseRows, series, shareRows } from "./testSeries";

const steps = (shares: number[], config = DEFAULT_SHARE_STEP) =>
  detectShareSteps(series("X", "FY2020-Q1", shareRows(shares)), config).filter((d) => d.region === "SG");

describe("share_step: the quarter of the move", () => {
  it("flags a one-quarter collapse in that quarter, quoting that quarter's share and the one before", () => {
    const drafts = steps([20, 21, 19.5, 20.5, 20, 21, 20, 22.2, 8.8]);
    expect(drafts).toHaveLength(1);
    expect(drafts[0]).toMatchObject({
      alertId: "share_step|X|SG|FY2022-Q1",
      period: "FY2022-Q1",
      baselinePeriod: "FY2021-Q4",
      observed: expect.closeTo(0.088, 4),
      baseline: expect.closeTo(0.222, 4),
      severity: "critical",
      score: -13.4,
    });
    expect(drafts[0]?.summary).toMatch(
      /^Singapore's share of X revenue fell to 8\.8% in FY2022-Q1 from 22\.2% in FY2021-Q4, one quarter earlier \(-13\.4 pp/,
    );
    expect(drafts[0]?.summary).toContain("It was 20.0% a year earlier (FY2021-Q1).");
  });

  it("scales the bar by the company's own volatility: a move ordinary for a volatile company is not a step", () => {
    const calm = [20, 20.5, 19.8, 20.2, 20, 20.4, 19.9, 20.1, 27];
    expect(steps(calm).map((d) => d.period)).toEqual(["FY2022-Q1"]);
    // every region of this company swings 4-9 pp a quarter; Singapore's +7 pp (and +10 pp on the year) is ordinary for it
    const volatile = [
      [20, 30, 25, 25],
      [26, 24, 30, 20],
      [17, 33, 22, 28],
      [24, 27, 29, 20],
      [18, 32, 23, 27],
      [25, 24, 30, 21],
      [17, 31, 24, 28],
      [21, 29, 28, 22],
      [28, 25, 24, 23],
    ].map(([SG, US, TW, OTHER]) => ({ SG, US, TW, OTHER }) as Record<string, number>);
    expect(detectShareSteps(series("V", "FY2020-Q1", volatile)).filter((d) => d.region === "SG")).toEqual([]);
  });

  it("a return to last year's level (seasonality) is not a step; too little history is not judged", () => {
    expect(steps([20, 20, 20, 28, 20, 20, 20, 28, 20])).toEqual([]);
    expect(steps([20, 21, 8])).toEqual([]);
  });

  it("a step right after another in the same direction updates the same alert", () => {
    const drafts = steps([30, 30.5, 29.5, 30, 30.2, 29.8, 30, 22, 14]);
    expect(drafts).toHaveLength(1);
    expect(drafts[0]).toMatchObject({ alertId: "share_step|X|SG|FY2021-Q4", period: "FY2022-Q1", baselinePeriod: "FY2021-Q3", score: -16 });
    expect(drafts[0]?.summary).toContain("-16.0 pp over 2 quarters (FY2021-Q4 -8.0 pp, FY2022-Q1 -8.0 pp)");
  });

  it("raises at most 1 alert per 200 entity-periods on 200 seeded noise-only entities", () => {
    let alerts = 0;
    for (let seed = 1; seed <= 200; seed++) alerts += detectShareSteps(series(`N${seed}`, "FY2020-Q1", noiseRows(seed, 16))).length;
    expect(alerts).toBeLessThanOrEqual((200 * 16) / 200);
  });
});

describe("share_threshold: watched levels", () => {
  const config = { ...DEFAULT_SHARE_STEP, crossings: [{ company: "X", region: "SG", above: 20 }] };
  it("fires once when the share crosses the level, not again while it hovers around it", () => {
    const drafts = detectShareCrossings(series("X", "FY2020-Q1", shareRows([12, 14, 15, 21, 18, 22, 19, 20.5])), config);
    expect(drafts.map((d) => [d.period, d.observed])).toEqual([["FY2020-Q4", expect.closeTo(0.21, 4)]]);
    expect(drafts[0]?.summary).toBe(
      "Singapore's share of X revenue rose above the watched level of 20% in FY2020-Q4: 21.0%, from 15.0% in FY2020-Q3; revenue by customer billing location.",
    );
    expect(detectShareCrossings(series("Y", "FY2020-Q1", shareRows([12, 21])), config)).toEqual([]);
  });
});

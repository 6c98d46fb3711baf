import { describe, expect, it } from "vitest";
import { DEFAULT_LEVEL_SHIFT, detectLevelShifts } from "./levelShift";
import { noiseRows, series, shareRows } from "./testSeries";

const sg = (shares: number[], company = "X") =>
  detectLevelShifts(series(company, "FY2020-Q1", shareRows(shares))).filter((d) => d.region === "SG");

describe("sustained level shift (CUSUM on the log-ratio)", () => {
  it("catches a gradual climb 9% -> 14% -> 17% -> 22% as one regime change, no single step being large", () => {
    const drafts = sg([9, 9.3, 8.8, 9.1, 9, 14, 17, 22, 22, 22.3, 21.8, 22, 22.1, 21.9]);
    expect(drafts).toHaveLength(1);
    const [d] = drafts;
    // keyed by its onset; `period` is the quarter whose data last updated it (the end of the settling stretch) and
    // `observed` that quarter's share, `baseline` the multi-quarter reference level
    expect(d).toMatchObject({
      alertId: "level_shift|X|SG|FY2021-Q2",
      onset: "FY2021-Q2",
      period: "FY2022-Q3",
      rule: "level_shift",
      kind: "anomaly",
    });
    expect(d?.baseline).toBeCloseTo(0.09, 2);
    expect(d?.observed).toBeCloseTo(0.218, 3);
    expect(d?.severity).toBe("critical");
    expect(d?.summary).toContain(
      "Singapore's share of X revenue was 21.8% in FY2022-Q3 (that quarter), against a 9.0% level over FY2020-Q1..FY2020-Q4 (median of 4 quarters): one sustained shift up starting FY2021-Q2, to a level of 22.0% (median of FY2021-Q4..FY2022-Q3)",
    );
  });

  it("catches a small sustained step the share-shift threshold would miss (10% -> 14%)", () => {
    const drafts = sg([10, 10.2, 9.8, 10.1, 9.9, 10, 14, 14.2, 13.8, 14, 14.1, 13.9]);
    expect(drafts.map((d) => d.onset)).toEqual(["FY2021-Q3"]);
  });

  it("catches a drop, worded as a shift down", () => {
    const [d] = sg([20, 20.5, 19.5, 20, 20.2, 14, 13.5, 14.2, 14, 13.8]);
    expect(d?.summary).toMatch(/against a 20\.0% level .*: one sustained shift down/);
    expect(d?.observed).toBeLessThan(d?.baseline ?? 0);
  });

  it("stays quiet on a flat series and on a statistically clear but tiny move (< minShiftPp)", () => {
    expect(sg([10, 10, 10, 10, 10, 10, 10, 10, 10, 10])).toEqual([]);
    expect(sg([10, 10.1, 9.9, 10, 11.5, 11.6, 11.4, 11.5, 11.5, 11.6])).toEqual([]);
  });

  it("a one-quarter spike is not a level shift", () => {
    expect(sg([10, 10.3, 9.7, 10, 10.2, 16, 10.1, 9.9, 10, 10.2, 9.8, 10])).toEqual([]);
  });

  it("marks the regime resolved when the share settles back at its old level", () => {
    const drafts = sg([10, 10.2, 9.8, 10, 15, 16, 15.5, 10, 10.1, 9.9, 10, 10]);
    expect(drafts[0]?.resolved).toBe(true);
    expect(drafts[0]?.summary).toMatch(/It has since returned to a level of 10\.\d%\.$/);
  });

  it("needs a reference stretch: too short a series is not judged", () => {
    expect(sg([9, 9, 22, 22])).toEqual([]);
  });

  it("is causal: adding later periods never moves or removes an earlier alarm", () => {
    const shares = [9, 9.3, 8.8, 9.1, 9, 14, 17, 22, 22, 22.3, 21.8, 22, 22.1, 21.9];
    const ids = (n: number) => sg(shares.slice(0, n)).map((d) => d.alertId);
    expect(ids(7)).toEqual(ids(shares.length));
  });

  it("raises at most 1 alert per 200 entity-periods on 200 seeded noise-only entities", () => {
    let alerts = 0;
    for (let seed = 1; seed <= 200; seed++) alerts += detectLevelShifts(series(`N${seed}`, "FY2020-Q1", noiseRows(seed, 16))).length;
    expect(alerts).toBeLessThanOrEqual((200 * 16) / 200);
  });

  it("is off when disabled", () => {
    expect(
      detectLevelShifts(series("X", "FY2020-Q1", shareRows([9, 9, 9, 9, 22, 22, 22])), { ...DEFAULT_LEVEL_SHIFT, enabled: false }),
    ).toEqual([]);
  });

  it("a regime already told by a step of the same company is not repeated; another company's step changes nothing", () => {
    const comps = series("X", "FY2020-Q1", shareRows([10, 10.2, 9.8, 10.1, 9.9, 10, 14, 14.2, 13.8, 14, 14.1, 13.9]));
    const step = (company: string) => ({
      entity: { company },
      region: "SG",
      period: "FY2021-Q3",
      score: 4,
      basis: "revenue by customer billing location",
    });
    const ids = (steps: ReturnType<typeof step>[]) =>
      detectLevelShifts(comps, DEFAULT_LEVEL_SHIFT, undefined, undefined, steps)
        .filter((d) => d.region === "SG")
        .map((d) => d.onset);
    expect(ids([])).toEqual(["FY2021-Q3"]);
    expect(ids([step("X")])).toEqual([]);
    expect(ids([step("Y")])).toEqual(["FY2021-Q3"]);
  });
});

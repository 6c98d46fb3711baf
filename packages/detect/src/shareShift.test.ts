import { describe, expect, it } from "vitest";
import { DEFAULT_SHARE_SHIFT, detectShareShifts, pooledSigma } from "./shareShift";
import { NVDA_SG_SHARES, noiseRows, series, shareRows } from "./testSeries";

/** NVDA-shaped: Singapore's shares as in the sample, total growing 30% a quarter. */
const nvda = () =>
  series(
    "NVDA",
    "FY2023-Q1",
    shareRows(NVDA_SG_SHARES).map((r, i) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v * 1.3 ** i]))),
  );

describe("share shift (pp threshold AND robust z of the log-ratio)", () => {
  it("fires once on the NVDA shape: Singapore 13% -> 22% in FY2025-Q3, explained with the decomposition", () => {
    const drafts = detectShareShifts(nvda());
    expect(drafts.map((d) => d.alertId)).toEqual(["share_shift_yoy|NVDA|SG|FY2025-Q3"]);
    const [d] = drafts;
    expect(d?.observed).toBeCloseTo(0.22, 12);
    expect(d?.baseline).toBeCloseTo(0.13, 12);
    expect(d?.score).toBeGreaterThanOrEqual(DEFAULT_SHARE_SHIFT.minZ);
    expect(d?.summary).toBe(
      "Singapore's share of NVDA revenue rose to 22.0% in FY2025-Q3 from 13.0% in FY2024-Q3 (+9.0 pp: Singapore revenue x4.8, total x2.9); " +
        "robust z = 4.8 against the previous 6 year-on-year changes; revenue by customer billing location. It was 9.0% in FY2023-Q3.",
    );
  });

  it("fires on a spike in an otherwise flat series", () => {
    const shares = [10, 10.5, 9.5, 10, 10.2, 9.8, 10.1, 9.9, 10, 22, 10, 10];
    const drafts = detectShareShifts(series("X", "FY2020-Q1", shareRows(shares)));
    expect(drafts.map((d) => `${d.region}|${d.period}`)).toContain("SG|FY2022-Q2");
    expect(drafts.find((d) => d.period === "FY2022-Q2")?.summary).toMatch(/^Singapore's share of X revenue rose to 22\.0%/);
  });

  it("stays quiet on a large move that is ordinary for a volatile region (pp met, z not)", () => {
    const shares = [10, 12, 14, 9, 20, 5, 18, 8, 9, 17, 6, 19, 18, 8, 15, 10];
    const last = shares.length - 1;
    expect(Math.abs((shares[last] as number) - (shares[last - 4] as number))).toBeGreaterThanOrEqual(DEFAULT_SHARE_SHIFT.minShiftPp);
    expect(detectShareShifts(series("V", "FY2020-Q1", shareRows(shares))).filter((d) => d.period === "FY2023-Q4")).toEqual([]);
    // the same last move (19% -> 10%) in a calm history fires
    const calm = shares.map(() => 19);
    calm[last] = 10;
    expect(detectShareShifts(series("C", "FY2020-Q1", shareRows(calm))).map((d) => d.period)).toEqual(["FY2023-Q4"]);
  });

  it("does not report the year after a one-quarter spike as a fall (an echo of the outlier base), but does report a real fall", () => {
    const flat = [10, 10.5, 9.5, 10, 10.2, 9.8, 10.1, 9.9, 10, 22, 10, 10, 10.1, 9.9, 10, 10];
    const periods = (shares: number[]) =>
      detectShareShifts(series("E", "FY2020-Q1", shareRows(shares))).map((d) => `${d.period} ${d.observed > d.baseline ? "up" : "down"}`);
    // the spike in FY2022-Q2 fires; FY2023-Q2 (10% against 22% a year earlier, 10% two years earlier) does not
    expect(periods(flat)).toEqual(["FY2022-Q2 up"]);
    // a year after the spike the share falls well below its level of two years earlier: that is news
    const realFall = [...flat];
    realFall[13] = 1;
    expect(periods(realFall)).toEqual(["FY2022-Q2 up", "FY2023-Q2 down"]);
  });

  it("needs a minimum history: a jump in the second year is not judged", () => {
    expect(detectShareShifts(series("Y", "FY2020-Q1", shareRows([10, 10, 10, 10, 25, 25, 25, 25])))).toEqual([]);
  });

  it("stays quiet below the confirmed threshold however unusual the move", () => {
    const shares = [10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 14];
    expect(detectShareShifts(series("Z", "FY2020-Q1", shareRows(shares)))).toEqual([]);
    expect(detectShareShifts(series("Z", "FY2020-Q1", shareRows(shares)), { ...DEFAULT_SHARE_SHIFT, minShiftPp: 3 })).toHaveLength(1);
  });

  it("reports a move under minShiftPp (but at least confirmedShiftPp) only when it also stands out from the recent levels", () => {
    // 10% for three years, then 16%: +6 pp on the year and far above every recent quarter
    const spike = [10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 16];
    expect(detectShareShifts(series("Z", "FY2020-Q1", shareRows(spike))).map((d) => d.period)).toEqual(["FY2022-Q4"]);
    expect(detectShareShifts(series("Z", "FY2020-Q1", shareRows(spike)), { ...DEFAULT_SHARE_SHIFT, confirmedShiftPp: 8 })).toEqual([]);
    // the same +6 pp on the year where the recent quarters alternate 10% and 16%: not confirmed
    const alternating = [10, 16, 10, 16, 10, 16, 10, 16, 10, 16, 10, 16, 16];
    expect(detectShareShifts(series("A", "FY2020-Q1", shareRows(alternating)))).toEqual([]);
    // (it passes the pp and year-on-year tests: only the level confirmation holds it back)
    expect(detectShareShifts(series("A", "FY2020-Q1", shareRows(alternating)), { ...DEFAULT_SHARE_SHIFT, confirmZ: 0.5 })).toHaveLength(1);
  });

  it("stays quiet on a seasonal pattern (each quarter compared with the same quarter a year earlier)", () => {
    const shares = [8, 20, 9, 10, 8.5, 21, 9, 10, 8, 20.5, 9.5, 10, 8, 21, 9, 10];
    expect(detectShareShifts(series("S", "FY2020-Q1", shareRows(shares)))).toEqual([]);
  });

  it("is off when disabled", () => {
    expect(detectShareShifts(nvda(), { ...DEFAULT_SHARE_SHIFT, enabled: false })).toEqual([]);
  });

  it("raises at most 1 alert per 200 entity-periods on 200 seeded noise-only entities", () => {
    let alerts = 0;
    for (let seed = 1; seed <= 200; seed++) alerts += detectShareShifts(series(`N${seed}`, "FY2020-Q1", noiseRows(seed, 16))).length;
    expect(alerts).toBeLessThanOrEqual((200 * 16) / 200);
  });

  it("pools the spread of the year-on-year changes over the entity's regions, each centred on its own median", () => {
    const calm = [0.01, -0.01, 0.01, -0.01, 0.0, 1.0]; // the last value is the period being judged: not used
    const spread = [0.3, -0.3, 0.25, -0.25, 0.0, 0.0];
    const short = [undefined, undefined, undefined, 5, -5, 0]; // under minHistory before period 5: skipped
    const pooled = pooledSigma([calm, calm, spread, short], 5, DEFAULT_SHARE_SHIFT);
    // deviations: 4 x 0.01 and 1 x 0 per calm region, 0.3, 0.3, 0.25, 0.25, 0 for the spread one -> median 0.01
    expect(pooled).toBeCloseTo(1.4826 * 0.01, 12);
    expect(pooledSigma([short], 5, DEFAULT_SHARE_SHIFT)).toBe(0);
  });
});

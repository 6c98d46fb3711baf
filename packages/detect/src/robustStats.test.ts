import { describe, expect, it } from "vitest";
import { previousPeriod, sameQuarterYearBefore, shiftPeriod } from "./periods";
import { fromLogRatio, logRatio, MAD_TO_SIGMA, madSigma, median, robustZ } from "./robustStats";

describe("robust statistics", () => {
  it("median of odd and even lists", () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });

  it("MAD sigma ignores one outlier and is 1.4826 x MAD", () => {
    expect(madSigma([1, 2, 3, 4, 100])).toBeCloseTo(MAD_TO_SIGMA * 1, 10);
  });

  it("robust z uses the floor when the history is flat", () => {
    expect(robustZ(1.5, [1, 1, 1, 1], 0.25)).toEqual({ z: 2, center: 1, sigma: 0.25 });
  });

  it("log-ratio of region vs rest and back", () => {
    expect(logRatio(0.5)).toBe(0);
    expect(fromLogRatio(logRatio(0.22))).toBeCloseTo(0.22, 12);
    expect(Number.isFinite(logRatio(0))).toBe(true);
  });
});

describe("periods", () => {
  it("steps fiscal quarters and months across year ends", () => {
    expect(previousPeriod("FY2025-Q1")).toBe("FY2024-Q4");
    expect(shiftPeriod("FY2024-Q4", -1)).toBe("FY2025-Q1");
    expect(sameQuarterYearBefore("FY2025-Q3")).toBe("FY2024-Q3");
    expect(previousPeriod("2024-01")).toBe("2023-12");
    expect(sameQuarterYearBefore("2024-05")).toBe("2023-05");
    expect(previousPeriod("2024")).toBeNull();
  });
});

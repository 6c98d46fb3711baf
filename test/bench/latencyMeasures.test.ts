import { describe, expect, it } from "vitest";
import { CleanVersions, distribution, formatDistribution, keepUp, percentile } from "./latencyMeasures";

describe("distribution", () => {
  it("takes nearest-rank percentiles of any order", () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(distribution(values)).toEqual({ count: 100, p50: 51, p95: 96, p99: 100, max: 100 });
    expect(percentile([], 50)).toBeNaN();
    expect(formatDistribution(distribution([]))).toBe("none measured");
    expect(formatDistribution(distribution([3, 1, 2]))).toBe("2 / 3 / 3 / 3");
  });
});

describe("CleanVersions", () => {
  const versions = new CleanVersions();
  versions.add("A|FY2024-Q1|SG", 1000);
  versions.add("A|FY2024-Q1|SG", 5000); // a revision, later
  versions.add("A|FY2024-Q1|US", 2000);

  it("finds the version a key had at a time", () => {
    expect(versions.latestAtOrBefore("A|FY2024-Q1|SG", 4999)).toBe(1000);
    expect(versions.latestAtOrBefore("A|FY2024-Q1|SG", 5000)).toBe(5000);
    expect(versions.latestAtOrBefore("A|FY2024-Q1|SG", 999)).toBeUndefined();
    expect(versions.latestAtOrBefore("unknown", 9999)).toBeUndefined();
  });

  it("dates an alert's evidence by the latest of the versions it could have read", () => {
    const evidence = ["A|FY2024-Q1|SG", "A|FY2024-Q1|US", "unknown"];
    expect(versions.evidenceCompletedAt(evidence, 3000)).toBe(2000);
    expect(versions.evidenceCompletedAt(evidence, 6000)).toBe(5000);
    expect(versions.evidenceCompletedAt(["unknown"], 6000)).toBeUndefined();
    expect(versions.evidenceCompletedAt([], 6000)).toBeUndefined();
  });
});

describe("keepUp", () => {
  it("reads max, quarter and end lags and the time to lag 0 for good", () => {
    const lags = [0, 10, 40, 20, 80, 60, 30, 0, 5, 0, 0];
    const k = keepUp(
      lags.map((lag, at) => ({ at, lag })),
      4,
    );
    expect(k.maxInWindow).toBe(80);
    expect(k.atQuarters).toEqual([10, 40, 20, 80]);
    expect(k.atWindowEnd).toBe(80);
    // behind last at 8 s, 0 from 9 s on: 5 s after the window closed at 4 s
    expect(k.secondsToZero).toBe(5);
  });

  it("says when the lag never came back to 0, and skips unreadable samples", () => {
    expect(
      keepUp(
        [
          { at: 0, lag: 5 },
          { at: 1, lag: Number.NaN },
          { at: 2, lag: 7 },
        ],
        1,
      ).secondsToZero,
    ).toBeUndefined();
    expect(
      keepUp(
        [
          { at: 0, lag: 0 },
          { at: 1, lag: 0 },
        ],
        1,
      ),
    ).toEqual({ maxInWindow: 0, atQuarters: [0, 0, 0, 0], atWindowEnd: 0, secondsToZero: 0 });
  });
});

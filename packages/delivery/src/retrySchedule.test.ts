import { describe, expect, it } from "vitest";
import { DEFAULT_RETRY_SCHEDULE_MS, parseRetryAfter, parseRetrySchedule, retryDelayMs } from "./retrySchedule";

describe("retry schedule", () => {
  it("defaults to Svix's schedule reaching hours", () => {
    expect(DEFAULT_RETRY_SCHEDULE_MS).toEqual([0, 5000, 300000, 1800000, 7200000, 18000000, 36000000, 36000000]);
  });

  it("jitters each step within ±20%", () => {
    expect(retryDelayMs(DEFAULT_RETRY_SCHEDULE_MS, 1, { random: () => 0 })).toBe(4000);
    expect(retryDelayMs(DEFAULT_RETRY_SCHEDULE_MS, 1, { random: () => 1 })).toBe(6000);
    expect(retryDelayMs(DEFAULT_RETRY_SCHEDULE_MS, 4, { random: () => 0.5 })).toBe(7200000);
    expect(retryDelayMs([0, 100], 9, { random: () => 0.5 })).toBe(100);
  });

  it("honours Retry-After when it asks for longer, within the cap", () => {
    expect(retryDelayMs([0, 100], 1, { retryAfterMs: 5000, random: () => 0.5 })).toBe(5000);
    expect(retryDelayMs([0, 10_000], 1, { retryAfterMs: 5000, random: () => 0.5 })).toBe(10_000);
    expect(retryDelayMs([0, 100], 1, { retryAfterMs: 1e12, maxDelayMs: 60_000 })).toBe(60_000);
  });

  it("parses schedules and Retry-After", () => {
    expect(parseRetrySchedule("0, 50,200")).toEqual([0, 50, 200]);
    expect(() => parseRetrySchedule("0,,5")).toThrow(/retry schedule/);
    expect(() => parseRetrySchedule("0,-5")).toThrow(/retry schedule/);
    expect(parseRetryAfter("3")).toBe(3000);
    expect(parseRetryAfter("Wed, 21 Oct 2015 07:28:10 GMT", Date.parse("Wed, 21 Oct 2015 07:28:00 GMT"))).toBe(10_000);
    expect(parseRetryAfter("soon")).toBeUndefined();
    expect(parseRetryAfter(undefined)).toBeUndefined();
  });
});

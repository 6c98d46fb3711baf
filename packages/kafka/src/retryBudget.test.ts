import { describe, expect, it } from "vitest";
import { COMMAND_RETRY, platformaticRetry, retryBudgetMs, SERVICE_RETRY } from "./client";

describe("retryBudgetMs (librdkafka's message.timeout.ms from a kafkajs retry policy)", () => {
  it("sums the waits, each capped at maxRetryTime", () => {
    // 300, 600, 1200, 2400, 4800, 9600, then 28 waits capped at 10 s: about 5 minutes
    expect(retryBudgetMs(SERVICE_RETRY)).toBe(18_900 + 28 * 10_000);
    // 200 ms doubling 8 times, under kafkajs's 30 s default cap
    expect(retryBudgetMs(COMMAND_RETRY)).toBe(200 * (2 ** 8 - 1));
  });

  it("takes kafkajs's defaults for what the policy leaves out", () => {
    expect(retryBudgetMs({ retries: 2 })).toBe(300 + 600);
    expect(retryBudgetMs({ retries: 0 })).toBe(0);
  });
});

describe("platformaticRetry (a fixed delay, as long in all as the policy's exponential waits)", () => {
  it("rides out about 5 minutes for services and 51 s for commands, retrying every second", () => {
    expect(platformaticRetry(SERVICE_RETRY)).toEqual({ retries: 299, retryDelay: 1000 });
    expect(platformaticRetry(COMMAND_RETRY)).toEqual({ retries: 51, retryDelay: 1000 });
    expect(platformaticRetry({ retries: 0 })).toEqual({ retries: 0, retryDelay: 1000 });
  });
});

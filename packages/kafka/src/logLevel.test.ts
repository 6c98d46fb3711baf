import { logLevel } from "kafkajs";
import { describe, expect, it } from "vitest";
import { kafkaLogLevel } from "./client";

describe("kafkajs log levels as pino levels", () => {
  it("keeps real errors as errors", () => {
    expect(kafkaLogLevel(logLevel.ERROR, "Crash: KafkaJSNumberOfRetriesExceeded", {})).toBe("error");
    expect(kafkaLogLevel(logLevel.ERROR, "Connection error: connect ECONNREFUSED 127.0.0.1:9092", { broker: "x" })).toBe("error");
  });

  it("logs a broker's error answer that kafkajs retries, and the retrier, as warnings", () => {
    const answer = { broker: "127.0.0.1:9092", error: "The coordinator is loading and hence can't process requests for this group" };
    expect(kafkaLogLevel(logLevel.ERROR, "Response InitProducerId(key: 22, version: 1)", answer)).toBe("warn");
    expect(
      kafkaLogLevel(logLevel.ERROR, "Failed to connect to seed broker, trying another broker", { retryCount: 0, retryTime: 198 }),
    ).toBe("warn");
  });

  it("quiets the bounded-retries notice of the idempotent producer", () => {
    expect(kafkaLogLevel(logLevel.WARN, "Limiting retries for the idempotent producer to Number.MAX_SAFE_INTEGER", {})).toBe("debug");
    expect(kafkaLogLevel(logLevel.WARN, "Something else", {})).toBe("warn");
    expect(kafkaLogLevel(logLevel.INFO, "Starting", {})).toBe("debug");
  });
});

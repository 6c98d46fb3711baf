import { describe, expect, it } from "vitest";
import { z } from "zod";
import { CommonEnv, ConfigError, intFromEnv, loadConfig, ServiceEnv } from "./config";

describe("loadConfig", () => {
  it("applies defaults for local development", () => {
    expect(loadConfig(CommonEnv, {})).toEqual({
      KAFKA_BROKERS: ["127.0.0.1:9092"],
      REDIS_URL: "redis://127.0.0.1:6379",
      LOG_LEVEL: "info",
      ENTREPOT_TOPIC_PREFIX: "",
    });
  });

  it("splits a broker list", () => {
    expect(loadConfig(CommonEnv, { KAFKA_BROKERS: "k1:9092,k2:9093" }).KAFKA_BROKERS).toEqual(["k1:9092", "k2:9093"]);
  });

  it.each([
    ["KAFKA_BROKERS", "localhost", "host:port"],
    ["KAFKA_BROKERS", "a:1, b:2", "host:port"],
    ["REDIS_URL", "127.0.0.1:6379", "redis://"],
    ["LOG_LEVEL", "loud", "LOG_LEVEL"],
    ["ENTREPOT_TOPIC_PREFIX", "a b", "letters, digits"],
  ])("rejects %s=%j with a message naming the variable and the expected form", (name, value, expected) => {
    let error: unknown;
    try {
      loadConfig(CommonEnv, { [name]: value });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message).toContain(`${name}:`);
    expect(message).toContain(expected);
    expect(message).toContain(JSON.stringify(value));
  });

  it("reports every bad variable at once", () => {
    expect(() => loadConfig(ServiceEnv, { KAFKA_BROKERS: "x", HEALTH_PORT: "70000" })).toThrow(
      /KAFKA_BROKERS[\s\S]*HEALTH_PORT|HEALTH_PORT[\s\S]*KAFKA_BROKERS/,
    );
  });

  it("takes the health server's bind address, 127.0.0.1 unless set", () => {
    expect(loadConfig(ServiceEnv, {}).HEALTH_HOST).toBe("127.0.0.1");
    expect(loadConfig(ServiceEnv, { HEALTH_HOST: "0.0.0.0" }).HEALTH_HOST).toBe("0.0.0.0");
    expect(loadConfig(ServiceEnv, { HEALTH_HOST: "::" }).HEALTH_HOST).toBe("::");
    expect(loadConfig(ServiceEnv, { HEALTH_HOST: "normalizer.local" }).HEALTH_HOST).toBe("normalizer.local");
    expect(() => loadConfig(ServiceEnv, { HEALTH_HOST: "http://0.0.0.0" })).toThrow(/HEALTH_HOST: expected an IP address or host name/);
  });

  it("never echoes secret values", () => {
    const schema = z.object({ API_SECRET: z.string().min(32, "expected at least 32 characters") });
    const err = (() => {
      try {
        loadConfig(schema, { API_SECRET: "hunter2" });
      } catch (e) {
        return e as Error;
      }
    })();
    expect(err?.message).toContain("API_SECRET");
    expect(err?.message).not.toContain("hunter2");
  });

  it("bounds integers", () => {
    const schema = z.object({ N: intFromEnv(1, 10) });
    expect(loadConfig(schema, { N: "7" }).N).toBe(7);
    expect(() => loadConfig(schema, { N: "0" })).toThrow(ConfigError);
    expect(() => loadConfig(schema, { N: "2.5" })).toThrow(/integer/);
  });
});

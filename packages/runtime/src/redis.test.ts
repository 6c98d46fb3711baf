import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig, ServiceEnv } from "./config";
import { createLogger } from "./logger";
import { createRedis, duplicateRedis, redactError, redactPassword, redactRedisUrl, redisOptions } from "./redis";

const SECRET = "s3cr3t-pa55";

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { lines, logger: createLogger({ name: "t", destination }) };
}

describe("Redis URL redaction", () => {
  it.each([
    [`redis://:${SECRET}@cache.internal:6379/0`, "redis://:[redacted]@cache.internal:6379/0"],
    [`rediss://app:${SECRET}@cache.internal:6380`, "rediss://app:[redacted]@cache.internal:6380"],
    [`redis://:${encodeURIComponent("p@ss/w:rd")}@h:1`, "redis://:[redacted]@h:1"],
    ["redis://:a@b@h:1", "redis://:[redacted]@h:1"],
    ["redis://127.0.0.1:6379", "redis://127.0.0.1:6379"],
    ["redis://user@h:1", "redis://user@h:1"],
  ])("%s -> %s", (url, shown) => {
    expect(redactRedisUrl(url)).toBe(shown);
  });

  it("removes the password from any text, raw or percent-decoded, inside or outside the URL", () => {
    const url = `redis://:${encodeURIComponent(`${SECRET}/x`)}@h:1`;
    const text = `connect to ${url} failed; auth ${SECRET}/x refused; raw ${encodeURIComponent(`${SECRET}/x`)}`;
    const out = redactPassword(text, url);
    expect(out).not.toContain(SECRET);
    expect(out).toContain("redis://:[redacted]@h:1");
  });

  it("gives an error free of the password, keeping name and code; the same error when there is nothing to hide", () => {
    const url = `redis://:${SECRET}@h:1`;
    const err = Object.assign(new Error(`ECONNREFUSED ${url}`), { code: "ECONNREFUSED" });
    err.name = "ConnError";
    const clean = redactError(err, url);
    expect(clean.message).toBe("ECONNREFUSED redis://:[redacted]@h:1");
    expect(clean.stack).not.toContain(SECRET);
    expect(clean).toMatchObject({ name: "ConnError", code: "ECONNREFUSED" });
    const plain = new Error("connect ECONNREFUSED 127.0.0.1:1");
    expect(redactError(plain, url)).toBe(plain);
  });
});

describe("createRedis", () => {
  it("has one option set per role: BullMQ waits for reconnects, the CLI connects on demand and fails fast", () => {
    expect(redisOptions("bullmq")).toEqual({ maxRetriesPerRequest: null, connectTimeout: 5_000 });
    expect(redisOptions("store", 2_000)).toEqual({ maxRetriesPerRequest: 20, connectTimeout: 2_000 });
    expect(redisOptions("subscriber")).toMatchObject({ maxRetriesPerRequest: 20 });
    const cli = redisOptions("cli");
    expect(cli).toMatchObject({ maxRetriesPerRequest: 1, lazyConnect: true, enableOfflineQueue: false, connectTimeout: 5_000 });
    // two reconnects at most: an operator command does not wait on a Redis that is away
    expect([1, 2, 3].map((n) => cli.retryStrategy?.(n))).toEqual([200, 400, null]);
  });

  it("builds the client with the role's options and the URL's server", () => {
    const { logger } = capture();
    const client = createRedis(`redis://:${SECRET}@cache.internal:6390/2`, { role: "cli", logger, connectTimeoutMs: 1_234 });
    try {
      expect(client.options).toMatchObject({
        host: "cache.internal",
        port: 6390,
        db: 2,
        password: SECRET,
        maxRetriesPerRequest: 1,
        lazyConnect: true,
        connectTimeout: 1_234,
      });
      expect(client.status).toBe("wait");
    } finally {
      client.disconnect();
    }
  });

  it("logs client errors through pino without the password, on the client and on its duplicates", () => {
    const { lines, logger } = capture();
    const url = `redis://app:${SECRET}@cache.internal:6390`;
    const client = createRedis(url, { role: "cli", logger });
    const bull = duplicateRedis(client, { role: "cli", logger });
    try {
      client.emit("error", new Error(`could not reach ${url} (password ${SECRET})`));
      bull.emit("error", new Error(`WRONGPASS for ${SECRET}`));
      expect(lines).toHaveLength(2);
      const [first, second] = lines.map((l) => JSON.parse(l) as { msg: string; role: string; redis: string; err: { message: string } });
      expect(first).toMatchObject({ msg: "redis error", role: "cli", redis: "redis://app:[redacted]@cache.internal:6390" });
      expect(first?.err.message).toBe("could not reach redis://app:[redacted]@cache.internal:6390 (password [redacted])");
      expect(second?.err.message).toBe("WRONGPASS for [redacted]");
      expect(lines.join("")).not.toContain(SECRET);
    } finally {
      client.disconnect();
      bull.disconnect();
    }
  });

  it("throws on a malformed URL without repeating its password", () => {
    const { logger } = capture();
    let error: unknown;
    try {
      createRedis(`redis://:${SECRET}@host:notaport`, { role: "store", logger });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toContain("redis://:[redacted]@host:notaport");
    expect(JSON.stringify(error)).not.toContain(SECRET);
    expect(String((error as Error).stack)).not.toContain(SECRET);
  });

  it("config errors do not repeat a password of a malformed REDIS_URL", () => {
    let error: unknown;
    try {
      loadConfig(ServiceEnv, { REDIS_URL: `http://:${SECRET}@cache.internal:6379` });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toContain("http://:[redacted]@cache.internal:6379");
    expect((error as ConfigError).message).not.toContain(SECRET);
  });
});

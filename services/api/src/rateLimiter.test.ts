import { describe, expect, it } from "vitest";
import { authenticate, hashApiKey, parseApiKeyHashes, parseApiKeys } from "./apiKeys";
import { RateLimiter } from "./rateLimiter";

describe("RateLimiter", () => {
  it("allows a burst, then one request per refill, per key", () => {
    const limiter = new RateLimiter(0.5, 3);
    const t0 = 1_000_000;
    expect([0, 1, 2].map(() => limiter.take("a", t0))).toEqual([0, 0, 0]);
    expect(limiter.take("a", t0)).toBe(2); // one token every 2 s
    expect(limiter.take("b", t0)).toBe(0); // another key has its own bucket
    expect(limiter.take("a", t0 + 1000)).toBe(1);
    expect(limiter.take("a", t0 + 2000)).toBe(0);
    expect(limiter.take("a", t0 + 2000)).toBe(2);
    expect(new RateLimiter(0, 1).take("a", t0)).toBe(0);
  });
});

describe("API keys", () => {
  it("parses id:scope:sha256hex entries and authenticates to the key's identity", () => {
    const keys = parseApiKeys(`ops:manage:${hashApiKey("k1")}, grafana:read:${hashApiKey("k2").toUpperCase()}`);
    expect(keys.map((k) => [k.id, k.scope])).toEqual([
      ["ops", "manage"],
      ["grafana", "read"],
    ]);
    expect(authenticate("k2", keys)?.id).toBe("grafana");
    expect(authenticate("k3", keys)).toBeUndefined();
  });

  it("refuses malformed entries without echoing digests, and duplicate ids", () => {
    expect(() => parseApiKeys(`ops:admin:${hashApiKey("k")}`)).toThrow(/#1 is not id:scope:sha256hex/);
    expect(() => parseApiKeys(`ops:read:${hashApiKey("k").slice(1)}`)).toThrow(/#1/);
    expect(() => parseApiKeys(`a:read:${hashApiKey("x")},a:manage:${hashApiKey("y")}`)).toThrow(/"a" is used twice/);
  });

  it("keeps ENTREPOT_API_KEY_HASHES as manage keys with ids derived from the digest", () => {
    const digest = hashApiKey("legacy");
    expect(parseApiKeyHashes(digest)).toMatchObject([{ id: `legacy-${digest.slice(0, 8)}`, scope: "manage" }]);
    expect(() => parseApiKeyHashes("nothex")).toThrow(/#1/);
  });
});

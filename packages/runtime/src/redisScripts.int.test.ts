import { createHash } from "node:crypto";
import { uniquePrefix } from "@entrepot/testkit";
import { Redis } from "ioredis";
import { afterAll, describe, expect, inject, it } from "vitest";
import { defineScript, redisScript, runScript } from "./redisScripts";

const INCR_BY = redisScript<number>("entrepotTestIncrBy", 1, "return redis.call('INCRBY', KEYS[1], ARGV[1])");

describe("Lua scripts as ioredis custom commands on real Redis", () => {
  const a = new Redis(inject("redisUrl"));
  const b = new Redis(inject("redisUrl"));
  afterAll(() => {
    a.disconnect();
    b.disconnect();
  });

  it("defines the command once per client and runs it by its SHA on every client", async () => {
    const key = `${uniquePrefix("scripts")}n`;
    expect(await runScript(a, INCR_BY, [key], [2])).toBe(2);
    expect(await runScript(a, INCR_BY, [key], [3])).toBe(5);
    expect(await runScript(b, INCR_BY, [key], [10])).toBe(15);
    // registered on each client, a second registration is a no-op
    expect(typeof (a as unknown as Record<string, unknown>).entrepotTestIncrBy).toBe("function");
    expect(() => defineScript(a, INCR_BY)).not.toThrow();
    // the server holds the script: ioredis sends EVALSHA, not the script text, once it is loaded
    const sha = createHash("sha1").update(INCR_BY.lua).digest("hex");
    expect(await a.script("EXISTS", sha)).toEqual([1]);
    await a.del(key);
  });

  it("refuses a wrong number of keys and a name that would shadow a client method", async () => {
    await expect(runScript(a, INCR_BY, [], [1])).rejects.toThrow("takes 1 keys");
    expect(() => redisScript("get", 1, "return 1")).toThrow('must start with "entrepot"');
    expect(() => defineScript(a, { name: "entrepotX", numberOfKeys: 0, lua: "return 1" })).not.toThrow();
    expect(() => defineScript(b, { name: "status", numberOfKeys: 0, lua: "return 1" })).toThrow("already has a member named status");
  });
});

import { uniquePrefix } from "@entrepot/testkit";
import { Redis } from "ioredis";
import { afterAll, describe, expect, inject, it } from "vitest";
import { RoutingState } from "./routingState";

describe("RoutingState delivery slots on real Redis", () => {
  const redis = new Redis(inject("redisUrl"));
  afterAll(() => redis.disconnect());

  it("caps requests in flight per subscription, re-entrant for the same holder", async () => {
    const state = new RoutingState(redis, uniquePrefix("slots"));
    expect(await state.acquireSlot("s1", "job-a", 1, 0, 60_000)).toBe(0);
    expect(await state.acquireSlot("s1", "job-b", 1, 0, 60_000)).toBe(1);
    expect(await state.acquireSlot("s2", "job-b", 1, 0, 60_000)).toBe(0);
    expect(await state.acquireSlot("s1", "job-a", 1, 0, 60_000)).toBe(0);
    await state.releaseSlot("s1", "job-a");
    expect(await state.acquireSlot("s1", "job-b", 1, 0, 60_000)).toBe(0);
  });

  it("frees the slots of a holder that died once they are stale", async () => {
    const state = new RoutingState(redis, uniquePrefix("slots"));
    expect(await state.acquireSlot("s1", "dead", 1, 0, 60_000)).toBe(0);
    expect(await state.acquireSlot("s1", "next", 1, 0, 0)).toBe(0);
  });

  it("limits new requests per second per subscription", async () => {
    const state = new RoutingState(redis, uniquePrefix("slots"));
    // three acquisitions inside one wall-clock second: the third is refused
    for (;;) {
      const second = Math.floor(Date.now() / 1000);
      const results: number[] = [];
      for (const h of ["a", "b", "c"]) {
        results.push(await state.acquireSlot("s1", `${second}-${h}`, 100, 2, 60_000));
        await state.releaseSlot("s1", `${second}-${h}`);
      }
      if (Math.floor(Date.now() / 1000) !== second) continue; // crossed a second boundary: try again
      expect(results).toEqual([0, 0, 2]);
      break;
    }
  });
});

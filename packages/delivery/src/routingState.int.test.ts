import type { Alert } from "@entrepot/schemas";
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

  it("limits new requests in any one-second window per subscription (sliding, no boundary burst)", async () => {
    let now = 1_000_000;
    const state = new RoutingState(redis, uniquePrefix("slots"), { now: () => now });
    const take = async (h: string) => {
      const r = await state.acquireSlot("s1", h, 100, 2, 60_000);
      await state.releaseSlot("s1", h);
      return r;
    };
    expect([await take("a"), await take("b"), await take("c")]).toEqual([0, 0, 2]);
    now += 999; // a fixed per-second window would have reset here
    expect(await take("d")).toBe(2);
    now += 100;
    expect([await take("e"), await take("f"), await take("g")]).toEqual([0, 0, 2]);
  });

  it("keeps delivery records, sent fingerprints and outcomes for the retention only", async () => {
    let now = Date.now();
    const retentionMs = 60_000;
    const state = new RoutingState(redis, uniquePrefix("retain"), { retentionMs, now: () => now });
    const alert = makeAlert();
    await state.markDelivered("s1", "evt_old", [alert], ["evt_old"]);
    for (const key of state.retainedKeys("s1")) {
      const ttl = await redis.pttl(key);
      expect(ttl, key).toBeGreaterThan(0);
      expect(ttl, key).toBeLessThanOrEqual(retentionMs);
    }
    // within the retention the record de-duplicates
    now += retentionMs - 1;
    expect(await state.isDelivered("s1", "evt_old")).toBe(true);
    expect(await state.isUnchanged("s1", alert)).toBe(true);
    // past it the old record is forgotten and trimmed on the next write
    now += 2;
    expect(await state.isDelivered("s1", "evt_old")).toBe(false);
    await state.markDelivered("s1", "evt_new", [makeAlert({ region: "TW" })], ["evt_new"]);
    const [delivered, sent, outcomes] = state.retainedKeys("s1").filter((_, i) => i === 0 || i === 1 || i === 3) as [
      string,
      string,
      string,
    ];
    expect(await redis.zrange(delivered, 0, -1)).toEqual(["evt_new"]);
    expect(await redis.hkeys(sent)).toEqual([makeAlert({ region: "TW" }).alertId]);
    expect(await redis.hkeys(outcomes)).toEqual(["evt_new"]);
    expect(await state.isUnchanged("s1", alert)).toBe(false);
  });

  it("opens inhibition with a critical alert, closes it when resolved, and lets it lapse after the retention", async () => {
    let now = Date.now();
    const retentionMs = 60_000;
    const prefix = uniquePrefix("inhibit");
    const state = new RoutingState(redis, prefix, { retentionMs, now: () => now });
    const critical = makeAlert({ alertId: "level_shift|NVDA|SG|FY2025-Q3", rule: "level_shift", severity: "critical" });
    const warning = makeAlert();
    await state.noteForInhibition(critical);
    expect(await state.inhibitedBy(warning)).toBe(critical.alertId);
    expect(await redis.pttl(`${prefix}entrepot:notifier:critical`)).toBeGreaterThan(0);
    await state.noteForInhibition({ ...critical, status: "resolved", revision: 2 });
    expect(await state.inhibitedBy(warning)).toBeUndefined();
    // reopened, then no news for longer than the retention: trimmed on the next write
    await state.noteForInhibition(critical);
    now += retentionMs + 1;
    await state.noteForInhibition(makeAlert({ alertId: "level_shift|AMD|SG|FY2025-Q3", entity: { company: "AMD" }, severity: "critical" }));
    expect(await state.inhibitedBy(warning)).toBeUndefined();
  });
});

function makeAlert(overrides: Partial<Alert> = {}): Alert {
  const region = overrides.region ?? "SG";
  return {
    schemaVersion: 1,
    alertId: `share_shift_yoy|NVDA|${region}|FY2025-Q3`,
    rule: "share_shift_yoy",
    status: "fired",
    severity: "warning",
    entity: { company: "NVDA" },
    region,
    regionName: region,
    period: "FY2025-Q3",
    baselinePeriod: "FY2023-Q3",
    observed: 0.22,
    baseline: 0.09,
    score: 13,
    threshold: 5,
    summary: "NVDA billed 22.0% of revenue.",
    basis: "revenue by customer billing location",
    evidence: [],
    revision: 1,
    detectedAt: new Date().toISOString(),
    ...overrides,
  };
}

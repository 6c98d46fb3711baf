import { randomUUID } from "node:crypto";
import { pipelineReplies, redisScript, runScript } from "@entrepot/runtime";
import type { Alert } from "@entrepot/schemas";
import type { Redis } from "ioredis";
import { alertFingerprint, inhibitionScope } from "./routing/alertIdentity";
import { inhibitorOf, type PairState, pairKey, type RoutingSnapshot } from "./routing/decideRouting";
import { RoutingOutcome } from "./routing/routingOutcome";

// Adds an event to the subscription's open grouping window, opening one when none is open.
// Atomic so an event is never added to a window whose flush has already read it: the window
// key expires `windowMs` after opening, and the flush runs only after that.
const ADD_TO_GROUP = redisScript<[string, number]>(
  "entrepotAddToGroup",
  2,
  `
local existing = redis.call('HGET', KEYS[2], ARGV[1])
local w = existing or redis.call('GET', KEYS[1])
local opened = 0
if not w then
  w = ARGV[2]
  redis.call('SET', KEYS[1], w, 'PX', ARGV[3])
  opened = 1
end
redis.call('HSET', ARGV[4] .. w, ARGV[1], ARGV[5])
redis.call('PEXPIRE', ARGV[4] .. w, ARGV[6])
redis.call('HSET', KEYS[2], ARGV[1], w)
return {w, opened}
`,
);

// Takes a per-subscription delivery slot: at most ARGV[3] in flight (stale holders, from a
// crashed process, age out) and at most ARGV[5] new requests in any window of ARGV[6] ms
// (a sliding log of start times, so no burst of 2x at a window boundary; 0 = unlimited).
// Returns 0 when taken, 1 when all slots are busy, 2 when the rate limit is reached.
const ACQUIRE_SLOT = redisScript<0 | 1 | 2>(
  "entrepotAcquireSlot",
  2,
  `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[4])
if redis.call('ZSCORE', KEYS[1], ARGV[2]) then return 0 end
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then return 1 end
if tonumber(ARGV[5]) > 0 then
  redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', tonumber(ARGV[1]) - tonumber(ARGV[6]))
  if redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[5]) then return 2 end
  redis.call('ZADD', KEYS[2], ARGV[1], ARGV[1] .. '/' .. ARGV[2])
  redis.call('PEXPIRE', KEYS[2], tonumber(ARGV[6]) * 2)
end
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2])
redis.call('PEXPIRE', KEYS[1], 3600000)
return 0
`,
);

/** The rate window: one second plus a margin for the jitter between starting a request and its arrival. */
const RATE_WINDOW_MS = 1_050;

// Sets hash fields with a retention: KEYS[1] the hash, KEYS[2] its index (sorted set field ->
// time written). Fields older than the retention are removed; both keys expire a retention after
// the last write. ARGV: now, retentionMs, field1, value1, ...
const HSET_RETAINED = redisScript<number>(
  "entrepotHsetRetained",
  2,
  `
local now = tonumber(ARGV[1])
local retention = tonumber(ARGV[2])
local old = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now - retention)
for i = 1, #old do redis.call('HDEL', KEYS[1], old[i]) end
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - retention)
for i = 3, #ARGV, 2 do
  redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1])
  redis.call('ZADD', KEYS[2], now, ARGV[i])
end
redis.call('PEXPIRE', KEYS[1], retention)
redis.call('PEXPIRE', KEYS[2], retention)
return #old
`,
);

// Adds members to a retained set (sorted set member -> time delivered), dropping members older
// than the retention. ARGV: now, retentionMs, member...
const ZADD_RETAINED = redisScript<number>(
  "entrepotZaddRetained",
  1,
  `
local now = tonumber(ARGV[1])
local retention = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - retention)
for i = 3, #ARGV do redis.call('ZADD', KEYS[1], now, ARGV[i]) end
redis.call('PEXPIRE', KEYS[1], retention)
return 0
`,
);

export interface RoutingStateOptions {
  /** how long delivery records, sent fingerprints and outcomes are kept (default 30 days) */
  retentionMs?: number;
  /** clock (tests) */
  now?: () => number;
}

export const DEFAULT_STATE_RETENTION_MS = 30 * 24 * 3_600_000;

/**
 * The notifier's routing memory in Redis: what was delivered (per subscription and event id),
 * the last content sent per alert (repeat policy), active critical alerts (inhibition), open
 * grouping windows and their members (digests), per-subscription delivery slots, and the
 * outcome of every routing decision. Everything survives a restart.
 */
export class RoutingState {
  private readonly p: string;
  readonly retentionMs: number;
  private readonly now: () => number;

  constructor(
    private readonly redis: Redis,
    topicPrefix: string,
    options: RoutingStateOptions = {},
  ) {
    this.p = `${topicPrefix}entrepot:notifier:`;
    this.retentionMs = options.retentionMs ?? DEFAULT_STATE_RETENTION_MS;
    this.now = options.now ?? Date.now;
  }

  /** Redis keys of one subscription's retained records (delivered set, sent fingerprints, outcomes, with their indexes). */
  retainedKeys(subscriptionId: string): string[] {
    return [
      `${this.p}delivered:${subscriptionId}`,
      `${this.p}sent:${subscriptionId}`,
      `${this.p}sent-at:${subscriptionId}`,
      `${this.p}outcomes:${subscriptionId}`,
      `${this.p}outcomes-at:${subscriptionId}`,
    ];
  }

  private async hsetRetained(key: string, indexKey: string, fields: [string, string][]): Promise<void> {
    await runScript(this.redis, HSET_RETAINED, [key, indexKey], [this.now(), this.retentionMs, ...fields.flat()]);
  }

  /** Delivered within the retention: a delivery record older than that is forgotten. */
  async isDelivered(subscriptionId: string, eventId: string): Promise<boolean> {
    return (await this.deliveredAmong(subscriptionId, [eventId])).has(eventId);
  }

  private deliveredAt(at: string | null): boolean {
    return at !== null && Number(at) > this.now() - this.retentionMs;
  }

  /** Which of these events were delivered to the subscription within the retention. */
  async deliveredAmong(subscriptionId: string, eventIds: readonly string[]): Promise<Set<string>> {
    if (eventIds.length === 0) return new Set();
    const at = await this.redis.zmscore(`${this.p}delivered:${subscriptionId}`, ...eventIds);
    return new Set(eventIds.filter((_, i) => this.deliveredAt(at[i] ?? null)));
  }

  /** The critical alert open in each of these inhibition scopes. */
  async criticals(scopes: readonly string[]): Promise<Map<string, string>> {
    const unique = [...new Set(scopes)];
    if (unique.length === 0) return new Map();
    const ids = await this.redis.hmget(`${this.p}critical`, ...unique);
    return new Map(unique.flatMap((scope, i) => (ids[i] ? [[scope, ids[i] as string] as const] : [])));
  }

  /**
   * What routing these (subscription, event) pairs reads, in one round trip: delivered, the
   * outcome recorded, the content last sent for the alert; and the criticals of the alerts' scopes.
   */
  async snapshot(pairs: readonly { subscriptionId: string; eventId: string; alert: Alert }[]): Promise<RoutingSnapshot> {
    const pipeline = this.redis.pipeline();
    for (const { subscriptionId, eventId, alert } of pairs) {
      pipeline.zscore(`${this.p}delivered:${subscriptionId}`, eventId);
      pipeline.hget(`${this.p}outcomes:${subscriptionId}`, eventId);
      pipeline.hget(`${this.p}sent:${subscriptionId}`, alert.alertId);
    }
    const replies = pairs.length > 0 ? await pipelineReplies(pipeline) : [];
    const reply = (i: number): string | null => (replies[i] ?? null) as string | null;
    const states = new Map<string, PairState>();
    pairs.forEach(({ subscriptionId, eventId }, i) => {
      const outcome = reply(3 * i + 1);
      const sent = reply(3 * i + 2);
      states.set(pairKey(subscriptionId, eventId), {
        delivered: this.deliveredAt(reply(3 * i)),
        previous: outcome ? RoutingOutcome.parse(JSON.parse(outcome)).outcome : undefined,
        sentFingerprint: sent ?? undefined,
      });
    });
    return { pairs: states, criticals: await this.criticals(pairs.map((p) => inhibitionScope(p.alert))) };
  }

  /** Records a delivery: the event (and each alert in it) counts as sent to the subscription. */
  async markDelivered(subscriptionId: string, eventId: string, alerts: readonly Alert[], memberEventIds: readonly string[]): Promise<void> {
    const events = [...new Set([eventId, ...memberEventIds])];
    await runScript(this.redis, ZADD_RETAINED, [`${this.p}delivered:${subscriptionId}`], [this.now(), this.retentionMs, ...events]);
    if (alerts.length > 0)
      await this.hsetRetained(
        `${this.p}sent:${subscriptionId}`,
        `${this.p}sent-at:${subscriptionId}`,
        alerts.map((a) => [a.alertId, alertFingerprint(a)]),
      );
    await this.redis.del(`${this.p}failing:${subscriptionId}`);
    const at = new Date(this.now()).toISOString();
    await this.record({ outcome: "delivered", subscriptionId, eventId, alertIds: alerts.map((a) => a.alertId), at });
    for (const e of memberEventIds) {
      if (e !== eventId)
        await this.record({ outcome: "delivered", subscriptionId, eventId: e, alertIds: [], at, reason: `in digest ${eventId}` });
    }
  }

  /** Which of these alert ids had some revision sent to the subscription (within the retention). */
  async sentAmong(subscriptionId: string, alertIds: readonly string[]): Promise<Set<string>> {
    const unique = [...new Set(alertIds)];
    if (unique.length === 0) return new Set();
    const sent = await this.redis.hmget(`${this.p}sent:${subscriptionId}`, ...unique);
    return new Set(unique.filter((_, i) => sent[i] !== null));
  }

  /** True when this alert's content was already sent to the subscription (repeat policy). */
  async isUnchanged(subscriptionId: string, alert: Alert): Promise<boolean> {
    return (await this.redis.hget(`${this.p}sent:${subscriptionId}`, alert.alertId)) === alertFingerprint(alert);
  }

  /**
   * A critical alert opens (fired/updated) or closes (resolved/retracted) inhibition of its scope.
   * An open inhibition lapses after the retention without news of its critical alert.
   */
  async noteForInhibition(alert: Alert): Promise<void> {
    if (alert.severity !== "critical") return;
    const scope = inhibitionScope(alert);
    if (alert.status === "fired" || alert.status === "updated")
      await this.hsetRetained(`${this.p}critical`, `${this.p}critical-at`, [[scope, alert.alertId]]);
    else await this.redis.multi().hdel(`${this.p}critical`, scope).zrem(`${this.p}critical-at`, scope).exec();
  }

  /** The critical alert that inhibits this one, if any. */
  async inhibitedBy(alert: Alert): Promise<string | undefined> {
    return inhibitorOf(alert, await this.criticals([inhibitionScope(alert)]));
  }

  async record(o: RoutingOutcome): Promise<void> {
    await this.hsetRetained(`${this.p}outcomes:${o.subscriptionId}`, `${this.p}outcomes-at:${o.subscriptionId}`, [
      [o.eventId, JSON.stringify(RoutingOutcome.parse(o))],
    ]);
  }

  async outcome(subscriptionId: string, eventId: string): Promise<RoutingOutcome | undefined> {
    const t = await this.redis.hget(`${this.p}outcomes:${subscriptionId}`, eventId);
    return t ? RoutingOutcome.parse(JSON.parse(t)) : undefined;
  }

  async outcomes(subscriptionId: string): Promise<RoutingOutcome[]> {
    return (await this.redis.hvals(`${this.p}outcomes:${subscriptionId}`))
      .map((t) => RoutingOutcome.parse(JSON.parse(t)))
      .sort((a, b) => a.at.localeCompare(b.at));
  }

  /** Adds the alert to the subscription's open window; returns the window id and whether it was just opened. */
  async addToGroup(
    subscriptionId: string,
    eventId: string,
    alert: Alert,
    windowMs: number,
  ): Promise<{ windowId: string; opened: boolean }> {
    const res = await runScript(
      this.redis,
      ADD_TO_GROUP,
      [`${this.p}group-open:${subscriptionId}`, `${this.p}grouped:${subscriptionId}`],
      [
        eventId,
        `${Date.now()}-${randomUUID().slice(0, 8)}`,
        windowMs,
        `${this.p}group:${subscriptionId}:`,
        JSON.stringify(alert),
        7 * 24 * 3_600_000,
      ],
    );
    return { windowId: res[0], opened: res[1] === 1 };
  }

  /** The members of one grouping window: event id -> alert JSON. */
  async groupMembers(subscriptionId: string, windowId: string): Promise<Map<string, string>> {
    return new Map(Object.entries(await this.redis.hgetall(`${this.p}group:${subscriptionId}:${windowId}`)));
  }

  /** 0 taken, 1 busy, 2 rate-limited (see ACQUIRE_SLOT). */
  async acquireSlot(
    subscriptionId: string,
    holder: string,
    maxInFlight: number,
    perSecond: number,
    staleAfterMs: number,
  ): Promise<0 | 1 | 2> {
    const now = this.now();
    return runScript(
      this.redis,
      ACQUIRE_SLOT,
      [`${this.p}slots:${subscriptionId}`, `${this.p}rate:${subscriptionId}`],
      [now, holder, maxInFlight, now - staleAfterMs, perSecond, RATE_WINDOW_MS],
    );
  }

  async releaseSlot(subscriptionId: string, holder: string): Promise<void> {
    await this.redis.zrem(`${this.p}slots:${subscriptionId}`, holder);
  }

  /** Notes a failed attempt; returns how long (ms) the subscription has been failing without a success. */
  async noteFailure(subscriptionId: string): Promise<number> {
    const key = `${this.p}failing:${subscriptionId}`;
    await this.redis.set(key, String(Date.now()), "NX");
    const since = Number(await this.redis.get(key));
    return Date.now() - since;
  }
}

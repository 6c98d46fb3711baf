import type { Alert, Subscription } from "@entrepot/schemas";
import { makeAlert, makeSubscription } from "@entrepot/testkit";
import { describe, expect, it } from "vitest";
import type { Silence } from "../silenceStore";
import { alertFingerprint, digestEventId, eventIdFor, inhibitionScope } from "./alertIdentity";
import {
  decideRouting,
  decideSend,
  deferralMs,
  digestJob,
  type PairState,
  pairKey,
  type RoutingDecision,
  type RoutingInput,
  type RoutingSnapshot,
} from "./decideRouting";

const NOW = Date.parse("2026-03-01T12:00:00Z");
const AT = new Date(NOW).toISOString();

/** a test alert detected at NOW */
const alert = (overrides: Partial<Alert> = {}): Alert => makeAlert({ detectedAt: AT, ...overrides });

const subscription = (id: string, filters: Partial<Subscription["filters"]> = {}, more: Partial<Subscription> = {}) =>
  makeSubscription(filters, { id, ...more });

function silence(id: string, matchers: Silence["matchers"], expiresAt = "2026-03-02T00:00:00Z"): Silence {
  return { id, matchers, comment: "", createdAt: "2026-03-01T00:00:00Z", expiresAt };
}

function snapshot(pairs: [string, Alert, PairState][] = [], criticals: [Alert][] = []): RoutingSnapshot {
  return {
    pairs: new Map(pairs.map(([sub, a, state]) => [pairKey(sub, eventIdFor(a)), state])),
    criticals: new Map(criticals.map(([c]) => [inhibitionScope(c), c.alertId])),
  };
}

const POLICY = { groupWindowMs: 0, inhibitionHoldMs: 5_000, firstDelayMs: 0 };

function route(over: Partial<RoutingInput>): RoutingDecision[] {
  return decideRouting({ alerts: [], subscriptions: [], silences: [], snapshot: snapshot(), policy: POLICY, now: NOW, ...over });
}

describe("decideRouting: which subscriptions, and what becomes of each pair", () => {
  it("queues an alert for every subscription whose filters it passes, in alert then subscription order", () => {
    const a = alert();
    const b = alert({ entity: { company: "AMD" } });
    const subs = [subscription("s_all"), subscription("s_amd", { companies: ["AMD"] }), subscription("s_off", {}, { enabled: false })];
    const decisions = route({ alerts: [a, b], subscriptions: subs });
    expect(decisions.map((d) => (d.kind === "deliver" ? `${d.job.data.subscriptionId}:${d.job.data.eventId}` : d.kind))).toEqual([
      `s_all:${eventIdFor(a)}`,
      `s_all:${eventIdFor(b)}`,
      `s_amd:${eventIdFor(b)}`,
    ]);
    expect(decisions[0]).toEqual({
      kind: "deliver",
      job: {
        name: "deliver",
        data: { kind: "alert", alertId: a.alertId, revision: 1, subscriptionId: "s_all", eventId: eventIdFor(a), alert: a },
        opts: { jobId: `${a.alertId}/s_all/1`, delay: 5_000 },
      },
      outcome: { outcome: "queued", subscriptionId: "s_all", eventId: eventIdFor(a), alertIds: [a.alertId], at: AT },
    });
  });

  it("holds a lesser alert for the inhibition hold, a critical only for the schedule's first delay", () => {
    const warning = alert();
    const critical = alert({ severity: "critical", region: "TW" });
    const delays = (policy: RoutingInput["policy"]) =>
      route({ alerts: [warning, critical], subscriptions: [subscription("s")], policy }).map((d) =>
        d.kind === "deliver" ? d.job.opts.delay : -1,
      );
    expect(delays(POLICY)).toEqual([5_000, 0]);
    expect(delays({ ...POLICY, inhibitionHoldMs: 0, firstDelayMs: 200 })).toEqual([200, 200]);
    expect(delays({ ...POLICY, inhibitionHoldMs: 100, firstDelayMs: 200 })).toEqual([200, 200]);
  });

  it("skips a pair already delivered, or whose recorded decision stands; re-queues one only queued or grouped before", () => {
    const a = alert();
    const subs = [subscription("s")];
    expect(route({ alerts: [a], subscriptions: subs, snapshot: snapshot([["s", a, { delivered: true }]]) })).toEqual([
      { kind: "skip", subscriptionId: "s", eventId: eventIdFor(a), because: "delivered" },
    ]);
    for (const previous of ["silenced", "inhibited", "unchanged", "failed", "refused", "disabled"] as const) {
      expect(route({ alerts: [a], subscriptions: subs, snapshot: snapshot([["s", a, { delivered: false, previous }]]) })).toEqual([
        { kind: "skip", subscriptionId: "s", eventId: eventIdFor(a), because: "settled" },
      ]);
    }
    for (const previous of ["queued", "grouped"] as const) {
      const [d] = route({ alerts: [a], subscriptions: subs, snapshot: snapshot([["s", a, { delivered: false, previous }]]) });
      // the job again (its id de-duplicates), but no second "queued" outcome
      expect(d).toMatchObject({ kind: "deliver", job: { opts: { jobId: `${a.alertId}/s/1` } } });
      expect(d && "outcome" in d).toBe(false);
    }
  });

  it("records a silenced alert with the silence that matched, ignoring expired silences", () => {
    const a = alert();
    const expired = silence("sil_old", { company: "NVDA" }, "2026-03-01T11:59:59Z");
    const other = silence("sil_amd", { company: "AMD" });
    const matching = silence("sil_nvda_sg", { company: "NVDA", region: "SG" });
    const [d] = route({ alerts: [a], subscriptions: [subscription("s")], silences: [expired, other, matching] });
    expect(d).toEqual({
      kind: "suppress",
      outcome: { outcome: "silenced", reason: "sil_nvda_sg", subscriptionId: "s", eventId: eventIdFor(a), alertIds: [a.alertId], at: AT },
    });
    expect(route({ alerts: [a], subscriptions: [subscription("s")], silences: [expired, other] })[0]?.kind).toBe("deliver");
  });

  it("inhibits a lesser alert under an open critical of the same entity and period, never the critical itself", () => {
    const critical = alert({ severity: "critical", region: "TW" });
    const warning = alert({ rule: "billing_divergence", region: "CN" });
    const otherPeriod = alert({ rule: "billing_divergence", region: "CN", period: "FY2025-Q2" });
    const decisions = route({
      alerts: [critical, warning, otherPeriod],
      subscriptions: [subscription("s")],
      snapshot: snapshot([], [[critical]]),
    });
    expect(decisions.map((d) => d.kind)).toEqual(["deliver", "suppress", "deliver"]);
    expect(decisions[1]).toMatchObject({ outcome: { outcome: "inhibited", reason: critical.alertId, eventId: eventIdFor(warning) } });
  });

  it("leaves a later revision under an open critical to the send (held), where inhibition depends on what the subscriber was sent", () => {
    const critical = alert({ severity: "critical", region: "TW" });
    const fired = alert({ rule: "billing_divergence", region: "CN" });
    const retracted: Alert = { ...fired, status: "retracted", revision: 2 };
    const resolved: Alert = { ...fired, status: "resolved", revision: 3 };
    const updated: Alert = { ...fired, status: "updated", revision: 2, observed: 0.4 };
    const sent: PairState = { delivered: false, sentFingerprint: alertFingerprint(fired) };
    const decisions = route({
      alerts: [fired, retracted, resolved, updated],
      subscriptions: [subscription("s")],
      snapshot: snapshot(
        [retracted, resolved, updated].map((a) => ["s", a, sent]),
        [[critical]],
      ),
    });
    expect(decisions.map((d) => (d.kind === "suppress" ? d.outcome.outcome : d.kind))).toEqual([
      "inhibited",
      "deliver",
      "deliver",
      "deliver",
    ]);
    expect(decisions.slice(1).map((d) => d.kind === "deliver" && d.job.opts.delay)).toEqual([5_000, 5_000, 5_000]);
  });

  it("a silence wins over inhibition, inhibition over the repeat policy", () => {
    const critical = alert({ severity: "critical", region: "TW" });
    const warning = alert({ region: "CN" });
    const sent: PairState = { delivered: false, sentFingerprint: alertFingerprint(warning) };
    const input = { alerts: [warning], subscriptions: [subscription("s")], snapshot: snapshot([["s", warning, sent]], [[critical]]) };
    expect(route({ ...input, silences: [silence("sil", { region: "CN" })] })[0]).toMatchObject({ outcome: { outcome: "silenced" } });
    expect(route(input)[0]).toMatchObject({ outcome: { outcome: "inhibited" } });
    expect(route({ ...input, snapshot: snapshot([["s", warning, sent]]) })[0]).toMatchObject({ outcome: { outcome: "unchanged" } });
  });

  it("does not resend unchanged content under a new revision, but sends changed content", () => {
    const r1 = alert();
    const r2 = { ...r1, revision: 2, detectedAt: "2026-03-01T13:00:00Z" };
    const r3 = { ...r1, revision: 3, status: "updated" as const, observed: 0.25 };
    const sentR1: PairState = { delivered: false, sentFingerprint: alertFingerprint(r1) };
    const decisions = route({
      alerts: [r2, r3],
      subscriptions: [subscription("s")],
      snapshot: snapshot([
        ["s", r2, sentR1],
        ["s", r3, sentR1],
      ]),
    });
    expect(decisions[0]).toEqual({
      kind: "suppress",
      outcome: { outcome: "unchanged", subscriptionId: "s", eventId: eventIdFor(r2), alertIds: [r1.alertId], at: AT },
    });
    expect(decisions[1]).toMatchObject({ kind: "deliver", job: { opts: { jobId: `${r1.alertId}/s/3` } } });
  });

  it("with a grouping window, groups instead of queueing; notes the first routing only", () => {
    const a = alert();
    const policy = { ...POLICY, groupWindowMs: 60_000 };
    expect(route({ alerts: [a], subscriptions: [subscription("s")], policy })).toEqual([
      { kind: "group", subscriptionId: "s", eventId: eventIdFor(a), alert: a, record: true },
    ]);
    const again = route({
      alerts: [a],
      subscriptions: [subscription("s")],
      policy,
      snapshot: snapshot([["s", a, { delivered: false, previous: "grouped" }]]),
    });
    expect(again).toEqual([{ kind: "group", subscriptionId: "s", eventId: eventIdFor(a), alert: a, record: false }]);
  });

  it("the digest job of a window runs 250 ms after the window closes (at once if that has passed)", () => {
    const a = alert();
    const opened = NOW - 10_000;
    const windowId = `${opened}-abcd1234`;
    const grouped = { kind: "group" as const, subscriptionId: "s", eventId: eventIdFor(a), alert: a, record: true };
    const { job, outcome } = digestJob(grouped, windowId, 60_000, NOW);
    expect(job).toEqual({
      name: "digest",
      data: { kind: "digest", subscriptionId: "s", windowId, eventId: digestEventId("s", windowId) },
      opts: { jobId: `digest/s/${windowId}`, delay: 50_250 },
    });
    expect(outcome).toEqual({
      outcome: "grouped",
      reason: windowId,
      subscriptionId: "s",
      eventId: eventIdFor(a),
      alertIds: [a.alertId],
      at: AT,
    });
    expect(digestJob({ ...grouped, record: false }, windowId, 5_000, NOW)).toEqual({ job: { ...job, opts: { ...job.opts, delay: 0 } } });
  });
});

describe("decideSend: what a delivery job sends when it runs", () => {
  const a = alert();
  const alertJob = { kind: "alert" as const, alertId: a.alertId, revision: 1, subscriptionId: "s", eventId: eventIdFor(a), alert: a };
  const base = {
    subscription: subscription("s"),
    members: [],
    delivered: new Set<string>(),
    silences: [],
    criticals: new Map(),
    sentAlertIds: new Set<string>(),
    now: NOW,
  };

  it("sends an alert job as that alert, under its event id", () => {
    expect(decideSend({ ...base, job: alertJob })).toEqual({
      kind: "send",
      subscription: base.subscription,
      sendId: eventIdFor(a),
      alerts: [a],
      members: [eventIdFor(a)],
      outcomes: [],
    });
  });

  it("drops a job already delivered or whose subscription is gone, recording nothing", () => {
    expect(decideSend({ ...base, job: alertJob, delivered: new Set([eventIdFor(a)]) })).toEqual({
      kind: "drop",
      result: "already-delivered",
      outcomes: [],
    });
    expect(decideSend({ ...base, job: alertJob, subscription: undefined })).toEqual({
      kind: "drop",
      result: "subscription-gone",
      outcomes: [],
    });
  });

  it("checks silences and inhibition again: one added, or a critical seen, since routing", () => {
    const silenced = decideSend({ ...base, job: alertJob, silences: [silence("sil", { rule: "share_shift_yoy" })] });
    expect(silenced).toEqual({
      kind: "drop",
      result: "silenced",
      outcomes: [{ outcome: "silenced", reason: "sil", subscriptionId: "s", eventId: eventIdFor(a), alertIds: [a.alertId], at: AT }],
    });
    const critical = alert({ severity: "critical", region: "TW" });
    const inhibited = decideSend({ ...base, job: alertJob, criticals: new Map([[inhibitionScope(critical), critical.alertId]]) });
    expect(inhibited).toMatchObject({ kind: "drop", result: "inhibited", outcomes: [{ outcome: "inhibited", reason: critical.alertId }] });
  });

  it("never inhibits a later revision of an alert the subscriber was sent: its retraction, resolution or update reaches it", () => {
    const critical = alert({ severity: "critical", region: "TW" });
    const criticals = new Map([[inhibitionScope(critical), critical.alertId]]);
    for (const [status, revision] of [
      ["retracted", 2],
      ["resolved", 3],
      ["updated", 2],
      ["fired", 4],
    ] as const) {
      const later: Alert = { ...a, status, revision };
      const job = { ...alertJob, revision, eventId: eventIdFor(later), alert: later };
      // the subscriber holds an earlier revision: it is told
      expect(decideSend({ ...base, job, criticals, sentAlertIds: new Set([a.alertId]) })).toMatchObject({ kind: "send", alerts: [later] });
      // it was never sent one (inhibited, or other alerts only): still inhibited
      expect(decideSend({ ...base, job, criticals, sentAlertIds: new Set(["another"]) })).toMatchObject({
        kind: "drop",
        result: "inhibited",
        outcomes: [{ outcome: "inhibited", reason: critical.alertId, eventId: eventIdFor(later) }],
      });
    }
    // silences still apply: the subscriber asked for them
    const retracted: Alert = { ...a, status: "retracted", revision: 2 };
    const job = { ...alertJob, revision: 2, eventId: eventIdFor(retracted), alert: retracted };
    const silences = [silence("sil", { rule: "share_shift_yoy" })];
    expect(decideSend({ ...base, job, silences, sentAlertIds: new Set([a.alertId]) })).toMatchObject({ kind: "drop", result: "silenced" });
  });

  it("records a disabled subscription with its reason instead of sending", () => {
    const sub = subscription("s", {}, { enabled: false, disabledReason: "410 Gone" });
    expect(decideSend({ ...base, job: alertJob, subscription: sub })).toEqual({
      kind: "drop",
      result: "subscription-disabled",
      outcomes: [{ outcome: "disabled", reason: "410 Gone", subscriptionId: "s", eventId: eventIdFor(a), alertIds: [a.alertId], at: AT }],
    });
  });

  describe("a digest", () => {
    const windowId = `${NOW}-w1`;
    const digest = { kind: "digest" as const, subscriptionId: "s", windowId, eventId: digestEventId("s", windowId) };
    const alerts = ["SG", "TW", "CN", "HK"].map((region) => alert({ region, period: "FY2025-Q4" }));
    const members = alerts.map((m) => ({ eventId: eventIdFor(m), alert: m }));

    it("sends the members not delivered, silenced or inhibited, under the digest's id; records the others", () => {
      const critical = alert({ severity: "critical", region: "XX", period: "FY2025-Q4" });
      const otherPeriod = alert({ region: "HK", period: "FY2025-Q1" });
      const decision = decideSend({
        ...base,
        job: digest,
        members: [...members.slice(0, 3), ...[critical, otherPeriod].map((m) => ({ eventId: eventIdFor(m), alert: m }))],
        delivered: new Set([eventIdFor(alerts[0] as Alert)]),
        silences: [silence("sil_tw", { region: "TW" })],
        criticals: new Map([[inhibitionScope(critical), critical.alertId]]),
      });
      expect(decision).toMatchObject({
        kind: "send",
        sendId: digest.eventId,
        alerts: [critical, otherPeriod],
        members: [eventIdFor(critical), eventIdFor(otherPeriod)],
      });
      expect(decision.outcomes.map((o) => [o.eventId, o.outcome, o.reason])).toEqual([
        [eventIdFor(alerts[1] as Alert), "silenced", "sil_tw"],
        [eventIdFor(alerts[2] as Alert), "inhibited", critical.alertId],
      ]);
    });

    it("keeps the retraction of a member the subscriber was sent, though a critical inhibits the others", () => {
      const critical = alert({ severity: "critical", region: "XX", period: "FY2025-Q4" });
      const retracted: Alert = { ...(alerts[1] as Alert), status: "retracted", revision: 2 };
      const decision = decideSend({
        ...base,
        job: digest,
        members: [members[0] as (typeof members)[number], { eventId: eventIdFor(retracted), alert: retracted }],
        criticals: new Map([[inhibitionScope(critical), critical.alertId]]),
        sentAlertIds: new Set([retracted.alertId]),
      });
      expect(decision).toMatchObject({ kind: "send", sendId: eventIdFor(retracted), alerts: [retracted] });
      expect(decision.outcomes.map((o) => [o.eventId, o.outcome])).toEqual([[eventIdFor(alerts[0] as Alert), "inhibited"]]);
    });

    it("goes as that one alert, under its own id, when one member is left", () => {
      const d = decideSend({ ...base, job: digest, members: members.slice(0, 1) });
      expect(d).toMatchObject({ kind: "send", sendId: eventIdFor(alerts[0] as Alert), alerts: [alerts[0]] });
    });

    it("sends several members as one digest under the digest's id", () => {
      const d = decideSend({ ...base, job: digest, members });
      expect(d).toMatchObject({ kind: "send", sendId: digest.eventId, alerts, members: members.map((m) => m.eventId) });
    });

    it("is empty when nothing is left, and disabled records under the id it would have gone as", () => {
      expect(decideSend({ ...base, job: digest, members, silences: [silence("all", { company: "NVDA" })] })).toMatchObject({
        kind: "drop",
        result: "digest-empty",
        outcomes: members.map((m) => ({ outcome: "silenced", eventId: m.eventId })),
      });
      const off = subscription("s", {}, { enabled: false });
      expect(decideSend({ ...base, job: digest, members, subscription: off })).toMatchObject({
        kind: "drop",
        result: "subscription-disabled",
        outcomes: [{ outcome: "disabled", reason: "disabled", eventId: digest.eventId, alertIds: alerts.map((x) => x.alertId) }],
      });
    });
  });
});

describe("deferralMs: stepping aside when a subscription's slot is not free", () => {
  it("backs off exponentially with the deferrals while busy, capped by the request timeout, jittered x0.5-x1.5", () => {
    expect([0, 1, 2, 3].map((n) => deferralMs("busy", n, 10_000, 0.5))).toEqual([100, 200, 400, 800]);
    expect(deferralMs("busy", 20, 10_000, 0.5)).toBe(10_000);
    expect(deferralMs("busy", 8, 60_000, 0.5)).toBe(25_600);
    expect(deferralMs("busy", 3, 10_000, 0)).toBe(400);
    expect(deferralMs("busy", -1, 10_000, 0.5)).toBe(100);
  });

  it("retries within the rate window when rate-limited, whatever the deferrals", () => {
    expect(deferralMs("rate-limited", 0, 10_000, 0)).toBe(100);
    expect(deferralMs("rate-limited", 9, 10_000, 0.999)).toBe(300);
  });
});

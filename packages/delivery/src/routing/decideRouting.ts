import type { Alert, Subscription } from "@entrepot/schemas";
import { type DeliveryJobData, jobIdFor } from "../deliveryJobs";
import { type Silence, silenceMatches } from "../silenceStore";
import { matches } from "../subscriptionStore";
import { alertFingerprint, digestEventId, eventIdFor, inhibitionScope } from "./alertIdentity";
import type { RoutingOutcome } from "./routingOutcome";

/**
 * The notifier's routing decisions as pure functions of plain data: which subscriptions an alert
 * goes to, and for each whether it is dropped (already delivered, decided before), suppressed
 * (silenced, inhibited, unchanged), grouped into a digest window or queued for delivery (held a
 * while when a critical could still inhibit it); and, when a job runs, what it sends. The notifier
 * reads the routing state from Redis, calls these and applies the result.
 */

/** Routing decisions that stand: a replay of the same event does not reconsider them. */
export const SETTLED_OUTCOMES: ReadonlySet<RoutingOutcome["outcome"]> = new Set([
  "silenced",
  "inhibited",
  "unchanged",
  "failed",
  "refused",
  "disabled",
]);

/** What the routing state says about one (subscription, event) pair. */
export interface PairState {
  /** delivered within the retention */
  delivered: boolean;
  /** the outcome recorded for the pair, if any */
  previous?: RoutingOutcome["outcome"] | undefined;
  /** fingerprint of the content last sent to the subscription for this alert id (repeat policy) */
  sentFingerprint?: string | undefined;
}

/** The part of the routing state a batch of decisions reads, as plain data. */
export interface RoutingSnapshot {
  /** by `pairKey(subscriptionId, eventId)`; a missing pair has no history */
  pairs: ReadonlyMap<string, PairState>;
  /** inhibition scope -> id of the critical alert open in it */
  criticals: ReadonlyMap<string, string>;
}

export function pairKey(subscriptionId: string, eventId: string): string {
  return `${subscriptionId}\u0000${eventId}`;
}

export interface RoutingPolicy {
  /** grouping window; 0 = one message per alert */
  groupWindowMs: number;
  /** non-critical alerts (without a grouping window) wait this long for a critical that would inhibit them */
  inhibitionHoldMs: number;
  /** the retry schedule's first delay */
  firstDelayMs: number;
}

export interface DeliveryJobSpec {
  name: "deliver" | "digest";
  data: DeliveryJobData;
  opts: { jobId: string; delay: number };
}

export type RoutingDecision =
  /** nothing to do: delivered already, or a decision that stands was recorded before */
  | { kind: "skip"; subscriptionId: string; eventId: string; because: "delivered" | "settled" }
  /** not sent, and the outcome recorded */
  | { kind: "suppress"; outcome: RoutingOutcome & { outcome: "silenced" | "inhibited" | "unchanged" } }
  /** into the subscription's open grouping window (atomic in Redis); `record`: first routing, note it as grouped */
  | { kind: "group"; subscriptionId: string; eventId: string; alert: Alert; record: boolean }
  /** one delivery job, held `job.opts.delay` ms; `outcome`: the first routing of the pair, noted as queued */
  | { kind: "deliver"; job: DeliveryJobSpec; outcome?: RoutingOutcome };

export interface RoutingInput {
  alerts: readonly Alert[];
  subscriptions: readonly Subscription[];
  /** active silences */
  silences: readonly Silence[];
  snapshot: RoutingSnapshot;
  policy: RoutingPolicy;
  now: number;
}

/** The critical alert that inhibits this one (same entity and period), if any. */
export function inhibitorOf(alert: Alert, criticals: ReadonlyMap<string, string>): string | undefined {
  if (alert.severity === "critical") return undefined;
  const by = criticals.get(inhibitionScope(alert));
  return by !== undefined && by !== alert.alertId ? by : undefined;
}

/** The first active silence matching the alert at `now`. */
export function silencing(silences: readonly Silence[], alert: Alert, now: number): Silence | undefined {
  return silences.find((s) => silenceMatches(s, alert, now));
}

/** The (subscription, event) pairs a batch of alerts concerns: every alert with every subscription whose filters it passes. */
export function matchingPairs(
  alerts: readonly Alert[],
  subscriptions: readonly Subscription[],
): { alert: Alert; subscription: Subscription; eventId: string }[] {
  return alerts.flatMap((alert) => {
    const eventId = eventIdFor(alert);
    return subscriptions.filter((s) => matches(s, alert)).map((subscription) => ({ alert, subscription, eventId }));
  });
}

/** Routing of consumed alerts: one decision per alert and matching subscription, in that order. */
export function decideRouting(input: RoutingInput): RoutingDecision[] {
  const { snapshot, policy, now } = input;
  const at = new Date(now).toISOString();
  return matchingPairs(input.alerts, input.subscriptions).map(({ alert, subscription, eventId }): RoutingDecision => {
    const subscriptionId = subscription.id;
    const pair = snapshot.pairs.get(pairKey(subscriptionId, eventId)) ?? { delivered: false };
    if (pair.delivered) return { kind: "skip", subscriptionId, eventId, because: "delivered" };
    if (pair.previous && SETTLED_OUTCOMES.has(pair.previous)) return { kind: "skip", subscriptionId, eventId, because: "settled" };
    const base = { subscriptionId, eventId, alertIds: [alert.alertId], at };
    const silence = silencing(input.silences, alert, now);
    if (silence) return { kind: "suppress", outcome: { ...base, outcome: "silenced", reason: silence.id } };
    // a later revision is not settled as inhibited here: whether the subscriber holds an earlier one
    // (sent, or still on its way) is known when the job runs, which inhibits it only if not (decideSend)
    const inhibitor = alert.revision > 1 ? undefined : inhibitorOf(alert, snapshot.criticals);
    if (inhibitor) return { kind: "suppress", outcome: { ...base, outcome: "inhibited", reason: inhibitor } };
    if (pair.sentFingerprint === alertFingerprint(alert)) return { kind: "suppress", outcome: { ...base, outcome: "unchanged" } };
    if (policy.groupWindowMs > 0) return { kind: "group", subscriptionId, eventId, alert, record: !pair.previous };
    const data: DeliveryJobData = { kind: "alert", alertId: alert.alertId, revision: alert.revision, subscriptionId, eventId, alert };
    // a lesser alert waits out the inhibition hold: the worker checks inhibition again when it sends
    const hold = alert.severity === "critical" ? 0 : policy.inhibitionHoldMs;
    const job: DeliveryJobSpec = { name: "deliver", data, opts: { jobId: jobIdFor(data), delay: Math.max(policy.firstDelayMs, hold) } };
    return pair.previous ? { kind: "deliver", job } : { kind: "deliver", job, outcome: { ...base, outcome: "queued" } };
  });
}

/**
 * The digest job of a grouping window (`<opened ms>-<nonce>`, as RoutingState opens them): it runs a
 * little after the window closes, `groupWindowMs` after it opened. With `record`, the grouped outcome.
 */
export function digestJob(
  grouped: Extract<RoutingDecision, { kind: "group" }>,
  windowId: string,
  groupWindowMs: number,
  now: number,
): { job: DeliveryJobSpec; outcome?: RoutingOutcome } {
  const { subscriptionId, eventId, alert } = grouped;
  const data: DeliveryJobData = { kind: "digest", subscriptionId, windowId, eventId: digestEventId(subscriptionId, windowId) };
  const opened = Number(windowId.split("-")[0]);
  const job: DeliveryJobSpec = {
    name: "digest",
    data,
    opts: { jobId: jobIdFor(data), delay: Math.max(0, opened + groupWindowMs + 250 - now) },
  };
  if (!grouped.record) return { job };
  return {
    job,
    outcome: { subscriptionId, eventId, alertIds: [alert.alertId], at: new Date(now).toISOString(), outcome: "grouped", reason: windowId },
  };
}

export interface SendInput {
  job: DeliveryJobData;
  /** undefined when the subscription was removed */
  subscription: Subscription | undefined;
  /** for a digest: the window's members not yet delivered, in window order */
  members: readonly { eventId: string; alert: Alert }[];
  /** which of the job's event id and its members' were delivered within the retention */
  delivered: ReadonlySet<string>;
  silences: readonly Silence[];
  criticals: ReadonlyMap<string, string>;
  /** the alert ids (of the job's alert or members) of which some revision was sent to the subscription */
  sentAlertIds: ReadonlySet<string>;
  now: number;
}

export type SendDecision =
  | {
      kind: "drop";
      result: "already-delivered" | "subscription-gone" | "silenced" | "inhibited" | "digest-empty" | "subscription-disabled";
      /** outcomes to record */
      outcomes: RoutingOutcome[];
    }
  | {
      kind: "send";
      subscription: Subscription;
      /** the webhook-id: a digest of one alert goes as that alert, under its own event id */
      sendId: string;
      alerts: Alert[];
      /** event ids of what is sent */
      members: string[];
      /** outcomes of members suppressed since routing */
      outcomes: RoutingOutcome[];
    };

/**
 * What a delivery job sends when it runs: silences and inhibition are checked again (a silence
 * added, or a critical seen, since routing), members already delivered are left out. Inhibition
 * keeps new lesser alerts away; it never holds back a later revision (update, retraction,
 * resolution, re-firing) of an alert the subscriber was sent, which would leave it with content
 * that is no longer true.
 */
export function decideSend(input: SendInput): SendDecision {
  const { job, subscription: sub, now } = input;
  const at = new Date(now).toISOString();
  if (input.delivered.has(job.eventId)) return { kind: "drop", result: "already-delivered", outcomes: [] };
  if (!sub) return { kind: "drop", result: "subscription-gone", outcomes: [] };
  const subscriptionId = sub.id;
  const suppressed = (eventId: string, alert: Alert): RoutingOutcome | undefined => {
    const base = { subscriptionId, eventId, alertIds: [alert.alertId], at };
    const silence = silencing(input.silences, alert, now);
    if (silence) return { ...base, outcome: "silenced", reason: silence.id };
    const inhibitor = input.sentAlertIds.has(alert.alertId) ? undefined : inhibitorOf(alert, input.criticals);
    return inhibitor ? { ...base, outcome: "inhibited", reason: inhibitor } : undefined;
  };
  const outcomes: RoutingOutcome[] = [];
  const alerts: Alert[] = [];
  const members: string[] = [];
  const candidates = job.kind === "alert" ? [{ eventId: job.eventId, alert: job.alert }] : input.members;
  for (const m of candidates) {
    if (job.kind === "digest" && input.delivered.has(m.eventId)) continue;
    const o = suppressed(m.eventId, m.alert);
    if (o) outcomes.push(o);
    else {
      alerts.push(m.alert);
      members.push(m.eventId);
    }
  }
  if (job.kind === "alert" && outcomes[0]) return { kind: "drop", result: outcomes[0].outcome as "silenced" | "inhibited", outcomes };
  if (alerts.length === 0) return { kind: "drop", result: "digest-empty", outcomes };
  const sendId = members.length === 1 ? (members[0] as string) : job.eventId;
  if (!sub.enabled) {
    const disabled: RoutingOutcome = {
      outcome: "disabled",
      subscriptionId,
      eventId: sendId,
      alertIds: alerts.map((a) => a.alertId),
      at,
      reason: sub.disabledReason ?? "disabled",
    };
    return { kind: "drop", result: "subscription-disabled", outcomes: [...outcomes, disabled] };
  }
  return { kind: "send", subscription: sub, sendId, alerts, members, outcomes };
}

/**
 * How long a job steps aside when its subscription's slot is not free: busy (all slots in flight)
 * backs off the more often the job was already deferred (bounded churn for a slow subscriber),
 * rate-limited retries within a rate window. `random` in [0, 1).
 */
export function deferralMs(slot: "busy" | "rate-limited", deferrals: number, timeoutMs: number, random: number): number {
  if (slot === "rate-limited") return Math.round(100 + random * 200);
  return Math.round(Math.min(timeoutMs, 100 * 2 ** Math.min(Math.max(0, deferrals), 8)) * (0.5 + random));
}

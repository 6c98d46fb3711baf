import { createHash } from "node:crypto";
import { type Alert, compositionKey } from "@entrepot/schemas";

/** Stable event id for one revision of one alert: the `webhook-id` subscribers de-duplicate on. */
export function eventIdFor(alert: Pick<Alert, "alertId" | "revision">): string {
  return `evt_${createHash("sha256").update(`${alert.alertId}#${alert.revision}`).digest("hex").slice(0, 32)}`;
}

/** Stable event id of one digest (one grouping window of one subscription). */
export function digestEventId(subscriptionId: string, windowId: string): string {
  return `dig_${createHash("sha256").update(`${subscriptionId}#${windowId}`).digest("hex").slice(0, 32)}`;
}

/** Content of an alert that matters to a person: an alert re-published with the same content is not resent. */
export function alertFingerprint(a: Alert): string {
  const content = [a.status, a.severity, a.region, a.period, a.observed, a.baseline, a.score, a.summary];
  return createHash("sha256").update(JSON.stringify(content)).digest("hex").slice(0, 24);
}

/** Entity + period, the scope within which a critical alert inhibits lesser ones (the same text as a composition's key). */
export function inhibitionScope(a: Pick<Alert, "entity" | "period">): string {
  // only entity and period: an alert's `basis` is a sentence, not a composition's basis
  return compositionKey({ entity: a.entity, period: a.period });
}

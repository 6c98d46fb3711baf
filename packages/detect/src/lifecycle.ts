import type { Alert, AlertStatus } from "@entrepot/schemas";
import type { AlertDraft } from "./alertDraft";

function sameNumbers(a: Alert, d: AlertDraft): boolean {
  return (
    a.observed === d.observed &&
    a.baseline === d.baseline &&
    a.severity === d.severity &&
    a.summary === d.summary &&
    a.score === d.score &&
    (a.kind ?? "anomaly") === d.kind
  );
}

function toAlert(d: AlertDraft, status: AlertStatus, revision: number, detectedAt: string): Alert {
  const { resolved: _resolved, ...fields } = d;
  return { schemaVersion: 1, ...fields, status, revision, detectedAt };
}

/**
 * Compares what the detector now says (`drafts`, for the scope that was re-evaluated) with the
 * alerts already published for that scope, and returns only the alerts to publish:
 * new -> `fired` rev 1; changed numbers -> `updated` rev+1; gone -> `retracted` rev+1;
 * a draft marked `resolved` (the condition ended) -> `resolved` rev+1, once.
 * Unchanged alerts produce nothing, so replays and duplicates change nothing downstream.
 */
export function reconcileAlerts(previous: ReadonlyMap<string, Alert>, drafts: readonly AlertDraft[], now: string): Alert[] {
  const out: Alert[] = [];
  const seen = new Set<string>();
  for (const d of drafts) {
    seen.add(d.alertId);
    const prev = previous.get(d.alertId);
    const next = prev ? prev.revision + 1 : 1;
    if (d.resolved) {
      if (prev?.status !== "resolved" || !sameNumbers(prev, d)) out.push(toAlert(d, "resolved", next, now));
    } else if (!prev) {
      out.push(toAlert(d, "fired", 1, now));
    } else if (prev.status === "retracted" || prev.status === "resolved" || !sameNumbers(prev, d)) {
      out.push(toAlert(d, "updated", next, now));
    }
  }
  for (const [id, prev] of previous) {
    if (seen.has(id) || prev.status === "retracted") continue;
    out.push({ ...prev, status: "retracted", revision: prev.revision + 1, detectedAt: now });
  }
  return out;
}

/** The alerts after applying `changes` to `previous` (the state a detector keeps). */
export function applyAlertChanges(previous: ReadonlyMap<string, Alert>, changes: readonly Alert[]): Map<string, Alert> {
  const next = new Map(previous);
  for (const a of changes) next.set(a.alertId, a);
  return next;
}

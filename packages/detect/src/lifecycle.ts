import type { Alert } from "@entrepot/schemas";
import type { AlertDraft } from "./yoyShareShift";

function sameNumbers(a: Alert, d: AlertDraft): boolean {
  return (
    a.observed === d.observed && a.baseline === d.baseline && a.severity === d.severity && a.summary === d.summary && a.score === d.score
  );
}

/**
 * Compares what the detector now says (`drafts`, for the scope that was re-evaluated) with the
 * alerts already published for that scope, and returns only the alerts to publish:
 * new -> `fired` rev 1; changed numbers -> `updated` rev+1; gone -> `retracted` rev+1.
 * Unchanged alerts produce nothing, so replays and duplicates change nothing downstream.
 */
export function reconcileAlerts(previous: ReadonlyMap<string, Alert>, drafts: readonly AlertDraft[], now: string): Alert[] {
  const out: Alert[] = [];
  const seen = new Set<string>();
  for (const d of drafts) {
    seen.add(d.alertId);
    const prev = previous.get(d.alertId);
    if (!prev || prev.status === "retracted") {
      out.push({ schemaVersion: 1, ...d, status: prev ? "updated" : "fired", revision: prev ? prev.revision + 1 : 1, detectedAt: now });
    } else if (!sameNumbers(prev, d)) {
      out.push({ schemaVersion: 1, ...d, status: "updated", revision: prev.revision + 1, detectedAt: now });
    }
  }
  for (const [id, prev] of previous) {
    if (seen.has(id) || prev.status === "retracted") continue;
    out.push({ ...prev, status: "retracted", revision: prev.revision + 1, detectedAt: now });
  }
  return out;
}

import { inhibitionScope } from "@entrepot/delivery";
import type { Alert } from "@entrepot/schemas";

/** One stage of a fault run compared key by key with what the feed must become. */
export interface StageReconciliation {
  stage: string;
  expected: number;
  /** expected keys that were found */
  found: number;
  /** expected keys that were not found */
  lost: number;
  /** keys seen more than once */
  duplicated: number;
  /** keys found that were not expected */
  extra: number;
  lostKeys: string[];
  duplicatedKeys: string[];
  extraKeys: string[];
}

/**
 * Compares the expected keys with the keys found (one entry per message, repeats included).
 * `duplicatesOf` counts duplicates over another list than `found` (e.g. webhook-ids, while the
 * keys found are alert ids).
 */
export function reconcileKeys(
  stage: string,
  expected: Iterable<string>,
  found: readonly string[],
  options: { duplicatesOf?: readonly string[] } = {},
): StageReconciliation {
  const want = new Set(expected);
  const seen = new Set(found);
  const counts = new Map<string, number>();
  for (const k of options.duplicatesOf ?? found) counts.set(k, (counts.get(k) ?? 0) + 1);
  const lostKeys = [...want].filter((k) => !seen.has(k));
  const extraKeys = [...seen].filter((k) => !want.has(k));
  const duplicatedKeys = [...counts].filter(([, n]) => n > 1).map(([k]) => k);
  return {
    stage,
    expected: want.size,
    found: want.size - lostKeys.length,
    lost: lostKeys.length,
    duplicated: duplicatedKeys.length,
    extra: extraKeys.length,
    lostKeys,
    duplicatedKeys,
    extraKeys,
  };
}

const ACTIVE = new Set<Alert["status"]>(["fired", "updated"]);
export const isActive = (a: Pick<Alert, "status">) => ACTIVE.has(a.status);

/** The latest revision of each alert id (later messages win a tie, as compaction keeps them). */
export function latestAlerts(alerts: readonly Alert[]): Map<string, Alert> {
  const out = new Map<string, Alert>();
  for (const a of alerts) {
    const prev = out.get(a.alertId);
    if (!prev || a.revision >= prev.revision) out.set(a.alertId, a);
  }
  return out;
}

/** The same alert for a subscriber: same status class, severity and sentence (revision and detection time aside). */
export const sameAlertContent = (a: Alert, b: Alert) => isActive(a) === isActive(b) && a.severity === b.severity && a.summary === b.summary;

/**
 * Which of the alerts a subscriber without filters must receive. A fired or updated critical
 * alert inhibits the lesser alerts of its entity and period (docs/delivery.md), so those may or
 * may not arrive (a warning already sent before its critical is not recalled); every other active
 * alert must.
 */
export function expectedDeliveries(alerts: readonly Alert[]): { must: Alert[]; may: Alert[] } {
  const active = alerts.filter(isActive);
  const inhibiting = new Set(active.filter((a) => a.severity === "critical").map(inhibitionScope));
  const must: Alert[] = [];
  const may: Alert[] = [];
  for (const a of active) (a.severity !== "critical" && inhibiting.has(inhibitionScope(a)) ? may : must).push(a);
  return { must, may };
}

/** A figure printed under the table (a timing, a count): measured, never asserted. */
export interface Figure {
  label: string;
  value: string;
}

/** The reconciliation table of one scenario, with its figures and a few of the keys behind any loss. */
export function formatReconciliationTable(title: string, stages: readonly StageReconciliation[], figures: readonly Figure[]): string {
  const head = ["stage", "expected", "found", "lost", "duplicated", "extra"];
  const rows = stages.map((s) => [s.stage, s.expected, s.found, s.lost, s.duplicated, s.extra].map(String));
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  const line = (cells: readonly string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join(" | ");
  const out = [`== ${title}`, line(head), widths.map((w) => "-".repeat(w)).join("-+-"), ...rows.map(line)];
  const labelWidth = Math.max(0, ...figures.map((f) => f.label.length));
  for (const f of figures) out.push(`  ${f.label.padEnd(labelWidth)}  ${f.value}`);
  for (const s of stages) {
    if (s.lost > 0) out.push(`  ${s.stage} lost: ${s.lostKeys.slice(0, 5).join(", ")}${s.lost > 5 ? ", ..." : ""}`);
    if (s.duplicated > 0) out.push(`  ${s.stage} duplicated: ${s.duplicatedKeys.slice(0, 5).join(", ")}${s.duplicated > 5 ? ", ..." : ""}`);
    if (s.extra > 0) out.push(`  ${s.stage} extra: ${s.extraKeys.slice(0, 5).join(", ")}${s.extra > 5 ? ", ..." : ""}`);
  }
  return out.join("\n");
}

import type { AlertKind, Severity } from "@entrepot/schemas";

/** An alert as a detector states it, before lifecycle (status, revision, time) is applied. */
export interface AlertDraft {
  alertId: string;
  rule: string;
  kind: AlertKind;
  severity: Severity;
  entity: Record<string, string>;
  region: string;
  regionName: string;
  period: string;
  baselinePeriod: string;
  observed: number;
  baseline: number;
  score: number;
  threshold: number;
  summary: string;
  basis: string;
  evidence: string[];
  /** the condition this alert describes has ended (lifecycle publishes it once as `resolved`) */
  resolved?: boolean;
}

/** Deterministic id: rule + entity values (sorted by key) + region + period. */
export function alertIdFor(rule: string, entity: Record<string, string>, region: string, period: string): string {
  const e = Object.keys(entity)
    .sort()
    .map((k) => entity[k])
    .join("+");
  return `${rule}|${e}|${region}|${period}`;
}

/** "NVDA" for a company, "SG/8471" for a customs entity. */
export function entityLabel(entity: Record<string, string>): string {
  return entity.company ?? Object.values(entity).join("/");
}

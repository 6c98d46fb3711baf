import { basisWording, type RevenueBasisId } from "@entrepot/reference";
import type { AlertKind, Composition, Severity } from "@entrepot/schemas";

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
  /** where a sustained change started (level shifts) */
  onset?: string;
  /** the condition this alert describes has ended (lifecycle publishes it once as `resolved`) */
  resolved?: boolean;
}

/**
 * Deterministic id: rule + entity values (sorted by key) + region + period, and the basis when it
 * is not billing (a period recast on a new basis is judged as a series of its own).
 */
export function alertIdFor(rule: string, entity: Record<string, string>, region: string, period: string, basis?: string): string {
  const e = Object.keys(entity)
    .sort()
    .map((k) => entity[k])
    .join("+");
  const id = `${rule}|${e}|${region}|${period}`;
  return basis === undefined || basis === "billing" ? id : `${id}|${basis}`;
}

/**
 * The basis of a composition's figures in words, as alerts state it: `billingWording` (the rules
 * file's `basis`, "revenue by customer billing location" by default) for billing, else the
 * reference wording ("revenue by customer headquarters location").
 */
export function basisTextOf(c: Pick<Composition, "basis">, billingWording: string): string {
  const basis = c.basis ?? "billing";
  return basis === "billing" ? billingWording : basisWording(basis as RevenueBasisId);
}

/** "NVDA" for a company, "SG/8471" for a customs entity. */
export function entityLabel(entity: Record<string, string>): string {
  return entity.company ?? Object.values(entity).join("/");
}

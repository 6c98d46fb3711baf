import { z } from "zod";
import { FiscalPeriod } from "./clean";

export const Severity = z.enum(["info", "warning", "critical"]);
export type Severity = z.infer<typeof Severity>;
export const SEVERITY_RANK: Record<Severity, number> = { info: 0, warning: 1, critical: 2 };

export const AlertStatus = z.enum(["fired", "updated", "retracted", "resolved"]);
export type AlertStatus = z.infer<typeof AlertStatus>;

/** What an alert is about: a company's revenue, or a reporter's trade in a commodity. */
export const AlertEntity = z.record(z.string(), z.string());
export type AlertEntity = z.infer<typeof AlertEntity>;

/** Composition of one entity in one period: amount and share per region. */
export const Composition = z.object({
  schemaVersion: z.literal(1),
  entity: AlertEntity,
  period: z.string(),
  total: z.number().nonnegative(),
  /** the basis of every figure in it (absent = billing); a composition never mixes bases */
  basis: z.string().optional(),
  /** absent = quarter */
  frequency: z.enum(["quarter", "half", "year", "month"]).optional(),
  /** the company's reported total when the file gives one: the denominator of every share */
  reportedTotal: z.number().nonnegative().optional(),
  /** reported total minus the sum of the regions (negative: the regions add up to more than the total) */
  unattributed: z.number().optional(),
  parts: z.array(
    z.object({
      region: z.string(),
      name: z.string(),
      amount: z.number(),
      share: z.number(),
      /** `opaque`: a label nobody recognised, kept as its own region; absent = country or group */
      kind: z.enum(["country", "group", "opaque"]).optional(),
      /** membership the label states (ISO codes): "Other countries (excl. Singapore)" excludes SG */
      includes: z.array(z.string()).optional(),
      excludes: z.array(z.string()).optional(),
      /** share change in fractions vs the previous period / the same period a year earlier; null when not comparable */
      changePrev: z.number().nullable().optional(),
      changeYoy: z.number().nullable().optional(),
      /** the region was not reported in the previous period (a definition change, not a move) */
      appeared: z.boolean().optional(),
    }),
  ),
  /** Herfindahl-Hirschman index of the shares, 0..1 (1 = one region has everything) */
  hhi: z.number().optional(),
  /** the previous period in sequence is missing from the data */
  gapBefore: z.boolean().optional(),
  /** the total is below the configured floor: shares are shown but not judged */
  tinyTotal: z.boolean().optional(),
  /** regions reported in the previous period but absent from this one */
  disappeared: z.array(z.string()).optional(),
  /** clean-record keys this composition was built from */
  evidence: z.array(z.string()),
});
export type Composition = z.infer<typeof Composition>;

/**
 * An anomaly; a change in how the series is defined (a region split out, renamed or merged, a
 * change of basis); or a data-quality notice (regions that do not add up to the reported total,
 * a missing row, a label nobody recognises). Only anomalies read as moves.
 */
export const AlertKind = z.enum(["anomaly", "definition_change", "data_quality"]);
export type AlertKind = z.infer<typeof AlertKind>;

export const Alert = z.object({
  schemaVersion: z.literal(1),
  /** deterministic: rule + entity + region + period */
  alertId: z.string().min(1),
  rule: z.string().min(1),
  /** `definition_change` alerts carry lower severity and never read as a surge */
  kind: AlertKind.optional(),
  status: AlertStatus,
  severity: Severity,
  entity: AlertEntity,
  region: z.string(),
  regionName: z.string(),
  period: z.string(),
  /** the comparison period (e.g. same quarter a year earlier) */
  baselinePeriod: z.string(),
  /** where a sustained change started (level shifts: `period` is the quarter whose data raised or last updated the alert) */
  onset: z.string().optional(),
  /** observed and baseline values (shares are fractions 0..1) */
  observed: z.number(),
  baseline: z.number(),
  score: z.number(),
  threshold: z.number(),
  /** one sentence with the numbers */
  summary: z.string().min(1),
  /** basis of the figures, e.g. "revenue by customer billing location" */
  basis: z.string(),
  evidence: z.array(z.string()),
  revision: z.number().int().positive(),
  detectedAt: z.string(),
});
export type Alert = z.infer<typeof Alert>;

export { FiscalPeriod };

/**
 * Backtest: detector output against labelled anomalies (what a generator injected). Pure: labels,
 * alerts and the observed entity-periods in, per-type precision, recall, F1, detection delay and
 * false-alert rate out. `entrepot backtest` feeds it; docs/backtest.md explains the matching.
 */

/** Label types a detector should stay quiet on (their alerts are false alerts, counted per entity-period). */
export const QUIET_LABEL_TYPES: ReadonlySet<string> = new Set(["noise", "seasonality", "restatement", "missing_quarters"]);

export interface BacktestLabel {
  /** an alert concerns the label when its entity has every one of these values */
  entity: Record<string, string>;
  /** canonical region id, or `*` for the whole entity */
  region: string;
  type: string;
  /** first affected period */
  start: string;
  /** last period of the injected movement (default: start) */
  end?: string;
  /** signed size in percentage points of the region's share */
  magnitudePp: number;
}

export interface BacktestAlert {
  alertId: string;
  rule: string;
  kind: string;
  entity: Record<string, string>;
  region: string;
  period: string;
  /** the period of the data with which the alert was first raised (streaming); default `period` */
  firstSeen?: string;
}

export interface EntityPeriod {
  entity: Record<string, string>;
  period: string;
}

export interface BacktestOptions {
  /**
   * periods after an anomaly's end within which an alert on its region is a detection: a spike
   * allows `spikeWindow` (1), anything sustained `maxDelay` (4 quarters, 6 months)
   */
  maxDelay?: { quarterly: number; monthly: number };
  spikeWindow?: number;
  /** periods before the start that still count (noise can tip a detector one period early) */
  early?: number;
}

export interface LabelOutcome {
  label: BacktestLabel;
  quiet: boolean;
  /** a positive label with at least one true-positive alert */
  detected: boolean;
  /** periods from the start to the first true-positive alert's `firstSeen` (>= 0) */
  delay: number | null;
  /** alert ids: on the label's region inside its window */
  truePositives: string[];
  /** alert ids attributed to this label's entity that match no anomaly */
  falseAlerts: string[];
  /** alert ids on another region of the entity inside the anomaly's window (compositional echo: neither true nor false) */
  echoes: string[];
  /** distinct periods observed for the label's entity */
  entityPeriods: number;
}

export interface TypeMetrics {
  type: string;
  quiet: boolean;
  labels: number;
  detected: number;
  truePositives: number;
  falseAlerts: number;
  echoes: number;
  /** true positives / (true positives + false alerts); null without alerts */
  precision: number | null;
  /** detected / labels; null for quiet types */
  recall: number | null;
  f1: number | null;
  meanDelay: number | null;
  entityPeriods: number;
  falseAlertsPer200: number | null;
}

export interface BacktestResult {
  outcomes: LabelOutcome[];
  /** anomaly alerts on entities without any label */
  unlabelled: BacktestAlert[];
  /** alerts of another kind than `anomaly` (definition changes), not judged */
  ignored: number;
  byType: TypeMetrics[];
}

const FISCAL = /^FY(\d{4})-Q([1-4])$/;
const MONTH = /^(\d{4})-(\d{2})$/;

/** Ordinal of a period (fiscal quarter or month), so that differences count periods; null for other shapes. */
export function periodOrdinal(period: string): { index: number; monthly: boolean } | null {
  const f = FISCAL.exec(period);
  if (f) return { index: Number(f[1]) * 4 + Number(f[2]) - 1, monthly: false };
  const m = MONTH.exec(period);
  if (m) return { index: Number(m[1]) * 12 + Number(m[2]) - 1, monthly: true };
  return null;
}

const covers = (entity: Record<string, string>, label: BacktestLabel) => Object.entries(label.entity).every(([k, v]) => entity[k] === v);
const sameRegion = (alert: BacktestAlert, label: BacktestLabel) =>
  label.region === "*" || alert.region === label.region || alert.region.split("+").includes(label.region);

/**
 * Matches alerts with labels. An anomaly alert on a positive label's entity and region, raised
 * (`firstSeen`, else its period) in [start - early, end + window], is a true positive (window: `spikeWindow` for a
 * spike, else `maxDelay`); on another region inside the window it is an echo; anything else is a
 * false alert, attributed to the entity's label nearest in time.
 */
export function backtest(
  labels: readonly BacktestLabel[],
  alerts: readonly BacktestAlert[],
  observed: readonly EntityPeriod[],
  options: BacktestOptions = {},
): BacktestResult {
  const maxDelay = options.maxDelay ?? { quarterly: 4, monthly: 6 };
  const spikeWindow = options.spikeWindow ?? 1;
  const early = options.early ?? 1;
  const outcomes: LabelOutcome[] = labels.map((label) => {
    const periods = new Set(observed.filter((o) => covers(o.entity, label)).map((o) => o.period));
    return {
      label,
      quiet: QUIET_LABEL_TYPES.has(label.type),
      detected: false,
      delay: null,
      truePositives: [],
      falseAlerts: [],
      echoes: [],
      entityPeriods: periods.size,
    };
  });
  const unlabelled: BacktestAlert[] = [];
  let ignored = 0;
  for (const alert of alerts) {
    if (alert.kind !== "anomaly") {
      ignored++;
      continue;
    }
    // judged when it was raised: a level shift's onset may precede the anomaly, its alarm cannot
    const at = periodOrdinal(alert.firstSeen ?? alert.period);
    const candidates = outcomes.filter((o) => covers(alert.entity, o.label));
    if (candidates.length === 0 || !at) {
      unlabelled.push(alert);
      continue;
    }
    const bounds = (o: LabelOutcome) => {
      const start = periodOrdinal(o.label.start)?.index ?? Number.NaN;
      const end = periodOrdinal(o.label.end ?? o.label.start)?.index ?? start;
      const after = o.label.type === "spike" ? spikeWindow : at.monthly ? maxDelay.monthly : maxDelay.quarterly;
      return { start, end, from: start - early, to: end + after };
    };
    const distance = (o: LabelOutcome) => {
      const b = bounds(o);
      return at.index < b.start ? b.start - at.index : at.index > b.end ? at.index - b.end : 0;
    };
    const nearest = (list: LabelOutcome[]) => [...list].sort((a, b) => distance(a) - distance(b))[0] as LabelOutcome;
    const inWindow = candidates.filter((o) => {
      const b = bounds(o);
      return !o.quiet && at.index >= b.from && at.index <= b.to;
    });
    const hits = inWindow.filter((o) => sameRegion(alert, o.label));
    if (hits.length > 0) {
      const o = nearest(hits);
      o.truePositives.push(alert.alertId);
      o.detected = true;
      const delay = Math.max(0, at.index - bounds(o).start);
      o.delay = o.delay === null ? delay : Math.min(o.delay, delay);
    } else if (inWindow.length > 0) nearest(inWindow).echoes.push(alert.alertId);
    else nearest(candidates).falseAlerts.push(alert.alertId);
  }
  return { outcomes, unlabelled, ignored, byType: summarize(outcomes) };
}

const ratio = (a: number, b: number) => (b > 0 ? a / b : null);

/** Per-type metrics over the outcomes `filter` keeps (e.g. magnitudes of 5 pp or more), types in order of first appearance. */
export function summarize(outcomes: readonly LabelOutcome[], filter: (label: BacktestLabel) => boolean = () => true): TypeMetrics[] {
  const types = new Map<string, LabelOutcome[]>();
  for (const o of outcomes) if (filter(o.label)) types.set(o.label.type, [...(types.get(o.label.type) ?? []), o]);
  return [...types].map(([type, list]) => {
    const sum = (f: (o: LabelOutcome) => number) => list.reduce((s, o) => s + f(o), 0);
    const quiet = QUIET_LABEL_TYPES.has(type);
    const detected = list.filter((o) => o.detected);
    const truePositives = sum((o) => o.truePositives.length);
    const falseAlerts = sum((o) => o.falseAlerts.length);
    const entityPeriods = sum((o) => o.entityPeriods);
    const precision = ratio(truePositives, truePositives + falseAlerts);
    const recall = quiet ? null : ratio(detected.length, list.length);
    const f1 =
      precision === null || recall === null
        ? recall === 0
          ? 0
          : null
        : precision + recall > 0
          ? (2 * precision * recall) / (precision + recall)
          : 0;
    return {
      type,
      quiet,
      labels: list.length,
      detected: detected.length,
      truePositives,
      falseAlerts,
      echoes: sum((o) => o.echoes.length),
      precision: quiet ? null : precision,
      recall,
      f1: quiet ? null : f1,
      meanDelay: detected.length ? detected.reduce((s, o) => s + (o.delay ?? 0), 0) / detected.length : null,
      entityPeriods,
      falseAlertsPer200: entityPeriods > 0 ? (falseAlerts / entityPeriods) * 200 : null,
    };
  });
}

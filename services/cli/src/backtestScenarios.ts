import type { BacktestAlert, TypeMetrics } from "@entrepot/detect";
import { NOTICE_TYPES, type NoticeType, SCENARIO_TYPES, type ScenarioLabel, type ScenarioType } from "@entrepot/synthetic";

/** An alert of the final state as the scenario scoring needs it (any kind: anomalies are scored, notices counted). */
export interface ScenarioAlert extends BacktestAlert {
  /** the share the alert reports, and the one it compares with (their order gives the direction) */
  observed: number;
  baseline: number;
  /** the period of the data with which the alert was first raised (the replay) */
  firstSeen: string;
}

/**
 * One scenario's figures, with the anomaly types' meaning (`TypeMetrics`): `detected` counts expected
 * alerts with a true alert, `falseAlerts` every anomaly alert on the scenario's companies that matches
 * nothing labelled, `echoes` alerts on another region inside an expected alert's window.
 */
export interface ScenarioMetrics
  extends Pick<TypeMetrics, "detected" | "truePositives" | "falseAlerts" | "echoes" | "precision" | "recall" | "f1" | "meanDelay"> {
  scenario: ScenarioType;
  companies: number;
  /** anomaly alerts the labels expect */
  expected: number;
  /** detected alerts whose first true alert moves the way the label says */
  directionRight: number;
  noticesExpected: number;
  noticesFound: number;
  /** notices on the scenario's companies that no label expects */
  noticesUnexpected: number;
}

export interface NoticeMetrics {
  notice: NoticeType;
  expected: number;
  found: number;
  unexpected: number;
}

export interface ScenarioResult {
  byScenario: ScenarioMetrics[];
  byNotice: NoticeMetrics[];
  /** expected alerts and notices not found, one line each */
  missed: string[];
}

/** The rule that gives each notice. */
export const NOTICE_RULE: Record<NoticeType, string> = {
  split_out: "definition_change",
  basis_change: "basis_change",
  data_gap: "data_gap",
  total_mismatch: "total_mismatch",
  unrecognized_region: "unrecognized_region",
};
const noticeOfRule = new Map(Object.entries(NOTICE_RULE).map(([n, r]) => [r, n as NoticeType]));

/** Periods after the labelled one within which an alert on its region is a detection: a year of quarters, or two years. */
const WINDOW = { quarter: 4, year: 2 } as const;

/** `FY2024-Q3` -> 2024*4+2, `FY2019` -> 2019 (each company's periods are of one frequency). */
function ordinal(period: string): number {
  const m = /^FY(\d{4})(?:-Q([1-4]))?$/.exec(period);
  if (!m) return Number.NaN;
  return m[2] ? Number(m[1]) * 4 + Number(m[2]) - 1 : Number(m[1]);
}

const ratio = (a: number, b: number) => (b > 0 ? a / b : null);

/**
 * Scores the scenario companies' alerts against their labels: an anomaly alert on an expected
 * alert's region, first seen from one period before to `WINDOW` periods after the labelled one, is
 * true; on another region in that window an echo; any other anomaly alert on the company is false.
 * A notice is found when the rule that gives it names the label's region (any region for a basis
 * change) in the label's period; a notice no label expects is unexpected.
 */
export function scoreScenarios(labels: readonly ScenarioLabel[], alerts: readonly ScenarioAlert[]): ScenarioResult {
  const byCompany = new Map<string, ScenarioAlert[]>();
  for (const a of alerts) {
    const company = a.entity.company;
    if (company !== undefined) byCompany.set(company, [...(byCompany.get(company) ?? []), a]);
  }
  const rows = new Map<ScenarioType, ScenarioMetrics>();
  const notices = new Map<NoticeType, NoticeMetrics>(NOTICE_TYPES.map((n) => [n, { notice: n, expected: 0, found: 0, unexpected: 0 }]));
  const delays = new Map<ScenarioType, number[]>();
  const missed: string[] = [];
  for (const scenario of SCENARIO_TYPES) {
    rows.set(scenario, {
      scenario,
      companies: 0,
      expected: 0,
      detected: 0,
      truePositives: 0,
      falseAlerts: 0,
      echoes: 0,
      precision: null,
      recall: null,
      f1: null,
      directionRight: 0,
      meanDelay: null,
      noticesExpected: 0,
      noticesFound: 0,
      noticesUnexpected: 0,
    });
    delays.set(scenario, []);
  }
  for (const label of labels) {
    const m = rows.get(label.scenario) as ScenarioMetrics;
    const company = label.entity.company;
    const own = byCompany.get(company) ?? [];
    m.companies++;
    m.expected += label.alerts.length;
    // anomalies
    const firstTrue = new Map<number, ScenarioAlert>();
    for (const a of own.filter((x) => x.kind === "anomaly")) {
      const at = ordinal(a.firstSeen);
      const windows = label.alerts.map((e, i) => ({ e, i, start: ordinal(e.period) }));
      const inWindow = windows.filter((w) => at >= w.start - 1 && at <= w.start + WINDOW[label.frequency]);
      const hit = inWindow.find((w) => a.region === w.e.region);
      if (hit) {
        m.truePositives++;
        const seen = firstTrue.get(hit.i);
        if (!seen || ordinal(seen.firstSeen) > at) firstTrue.set(hit.i, a);
      } else if (inWindow.length > 0) m.echoes++;
      else m.falseAlerts++;
    }
    label.alerts.forEach((e, i) => {
      const first = firstTrue.get(i);
      if (!first) {
        missed.push(`${label.scenario} ${company}: ${e.direction} alert on ${e.regionName} in ${e.period} (${e.magnitudePp} pp)`);
        return;
      }
      m.detected++;
      if ((first.observed > first.baseline ? "up" : "down") === e.direction) m.directionRight++;
      delays.get(label.scenario)?.push(Math.max(0, ordinal(first.firstSeen) - ordinal(e.period)));
    });
    // notices
    const matched = new Set<string>();
    for (const e of label.notices) {
      const n = notices.get(e.notice) as NoticeMetrics;
      n.expected++;
      m.noticesExpected++;
      const found = own.find(
        (a) => a.rule === NOTICE_RULE[e.notice] && a.period === e.period && (e.notice === "basis_change" || a.region === e.region),
      );
      if (found) {
        n.found++;
        m.noticesFound++;
        matched.add(found.alertId);
      } else missed.push(`${label.scenario} ${company}: ${e.notice} notice on ${e.regionName || "the table"} in ${e.period}`);
    }
    for (const a of own.filter((x) => x.kind !== "anomaly" && !matched.has(x.alertId))) {
      m.noticesUnexpected++;
      const n = noticeOfRule.get(a.rule);
      if (n) (notices.get(n) as NoticeMetrics).unexpected++;
    }
  }
  for (const m of rows.values()) {
    m.precision = ratio(m.truePositives, m.truePositives + m.falseAlerts);
    m.recall = ratio(m.detected, m.expected);
    const { precision, recall } = m;
    m.f1 = recall === null ? null : precision === null || precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    const d = delays.get(m.scenario) ?? [];
    m.meanDelay = d.length ? d.reduce((s, x) => s + x, 0) / d.length : null;
  }
  return { byScenario: [...rows.values()].filter((m) => m.companies > 0), byNotice: [...notices.values()], missed };
}

import { entityKey, pct } from "@entrepot/detect";
import type { Alert, Severity } from "@entrepot/schemas";
import { basisOf, type Notice, type ShareComposition } from "./inputs";
import { formatUsd } from "./money";

export type MarkerKind = "alert" | "definition_change" | "basis_change" | "notice";

export interface ChartPoint {
  share: number;
  amount: number;
}

export interface ChartSeries {
  region: string;
  name: string;
  /** one per period of the chart; null where the region was not reported */
  points: (ChartPoint | null)[];
}

export interface MarkerFigure {
  label: string;
  value: string;
}

/** Something to mark on a chart: an alert, or a notice about how the series is defined. */
export interface ChartMarker {
  id: string;
  /** 1-based, shown on the marker and beside it in lists */
  number: number;
  kind: MarkerKind;
  period: string;
  /** the series the marker sits on; null: a vertical line across the chart at the period */
  region: string | null;
  regionName: string | null;
  /** the series' value at the marker (null for a line) */
  share: number | null;
  amount: number | null;
  /** short heading, e.g. "share_shift_yoy, warning" */
  label: string;
  severity: Severity | null;
  status: string | null;
  /** the explanation: the alert's sentence with the numbers */
  summary: string;
  figures: MarkerFigure[];
  evidence: string[];
}

export interface ChartModel {
  /** stable id: entity (and basis) */
  id: string;
  kind: "revenue" | "customs";
  entity: Record<string, string>;
  title: string;
  /** what the figures are: the basis of revenue shares, the flow and goods of customs shares */
  subtitle: string;
  basis: string | null;
  periods: string[];
  /** total per period */
  totals: number[];
  /** what a hover shows above the regions, e.g. "FY2025-Q3, total $35.08bn" */
  periodLabels: string[];
  series: ChartSeries[];
  markers: ChartMarker[];
}

const BASIS_WORDING: Record<string, string> = {
  billing: "revenue by customer billing location",
  shipping: "revenue by shipping destination",
  customer: "revenue by customer headquarters location",
};

/** "billing" -> "revenue by customer billing location"; an unknown basis is shown as stated. */
export function basisWording(basis: string | null): string {
  if (basis === null) return "basis not stated";
  return BASIS_WORDING[basis] ?? basis;
}

const FLOW_WORDING: Record<string, string> = {
  import: "imports by origin",
  export: "exports by destination",
  "re-export": "re-exports by destination",
  "re-import": "re-imports by origin",
};

/** "854231+847330" -> "HS 854231+847330"; a named group is shown as named. */
const goods = (hs: string | undefined) => (hs === undefined ? "all goods" : /^[\d+]+$/.test(hs) ? `HS ${hs}` : hs);

export function isCustomsEntity(entity: Record<string, string>): boolean {
  return entity.company === undefined && entity.reporter !== undefined && entity.flow !== undefined;
}

const INBOUND = new Set(["import", "re-import"]);

/**
 * Does an alert (or a notice with an entity) concern the chart's entity? A company's chart: its
 * company. A hub's customs chart: the hub's own customs alerts; an alert between a reporter and a
 * partner (a mirror gap: what the reporter exported, what the partner imported) only the
 * reporter's outbound and the partner's inbound flows.
 */
export function concerns(chartEntity: Record<string, string>, about: Record<string, string>): boolean {
  if (chartEntity.company !== undefined) return about.company === chartEntity.company;
  const hub = chartEntity.reporter;
  if (hub === undefined || about.company !== undefined) return false;
  const inbound = INBOUND.has(chartEntity.flow ?? "");
  if (about.partner === hub) return inbound;
  if (about.reporter !== hub) return false;
  return about.partner === undefined || !inbound;
}

/** The latest revision of each alert (a stream or a topic may hold several). */
export function latestAlerts(alerts: readonly Alert[]): Alert[] {
  const byId = new Map<string, Alert>();
  for (const a of alerts) {
    const prev = byId.get(a.alertId);
    if (!prev || a.revision >= prev.revision) byId.set(a.alertId, a);
  }
  return [...byId.values()].sort((a, b) => a.period.localeCompare(b.period) || a.alertId.localeCompare(b.alertId));
}

/**
 * Per period the composition on the basis in use: the requested basis only, or else the basis of
 * the latest period wherever a period was published on several.
 */
function onBasisInUse(compositions: readonly ShareComposition[], basis: string | undefined): ShareComposition[] {
  const wanted = basis === undefined ? compositions : compositions.filter((c) => basisOf(c) === basis);
  const byPeriod = new Map<string, ShareComposition[]>();
  for (const c of wanted) byPeriod.set(c.period, [...(byPeriod.get(c.period) ?? []), c]);
  const periods = [...byPeriod.keys()].sort();
  const latest = byPeriod.get(periods.at(-1) ?? "")?.[0];
  const current = latest ? basisOf(latest) : null;
  return periods.flatMap((p) => {
    const list = byPeriod.get(p) ?? [];
    const chosen = list.find((c) => basisOf(c) === current) ?? list[0];
    return chosen ? [chosen] : [];
  });
}

/** Observed and baseline as shares when both are fractions, as dollars otherwise (mirror gaps). */
function valueFigures(a: Alert): MarkerFigure[] {
  const asShare = a.observed >= 0 && a.observed <= 1 && a.baseline >= 0 && a.baseline <= 1;
  const show = (x: number) => (asShare ? pct(x) : formatUsd(x));
  return [
    { label: `observed (${a.period})`, value: show(a.observed) },
    { label: `baseline (${a.baselinePeriod})`, value: show(a.baseline) },
    { label: "score / threshold", value: `${a.score} / ${a.threshold}` },
  ];
}

/** A marker before it is placed: the regions whose series it may sit on, first match wins. */
type MarkerInput = Omit<ChartMarker, "number" | "region" | "regionName" | "share" | "amount"> & { regions: readonly string[] };

function alertMarker(a: Alert): MarkerInput {
  const definition = a.kind === "definition_change";
  return {
    id: a.alertId,
    kind: definition ? "definition_change" : "alert",
    period: a.period,
    // a customs alert about the hub's partner sits on the partner's series (a mirror gap: the reporter)
    // (a re-export surge to a group of destinations: the one destination that is a series)
    regions: [a.region, ...a.region.split("+"), ...(a.entity.reporter ? [a.entity.reporter] : [])],
    label: `${a.rule}, ${a.severity}${a.status === "fired" || a.status === "updated" ? "" : ` (${a.status})`}`,
    severity: a.severity,
    status: a.status,
    summary: a.summary,
    figures: [
      { label: "region", value: `${a.regionName} (${a.region})` },
      ...valueFigures(a),
      { label: "status", value: `${a.status}, revision ${a.revision}` },
      { label: "detected", value: a.detectedAt },
      { label: "basis", value: a.basis },
    ],
    evidence: a.evidence,
  };
}

function noticeKind(kind: string): MarkerKind {
  if (/basis/i.test(kind)) return "basis_change";
  if (/definition/i.test(kind)) return "definition_change";
  return "notice";
}

function noticeMarker(n: Notice, index: number): MarkerInput {
  const kind = noticeKind(n.kind);
  return {
    id: n.id ?? `notice|${n.kind}|${n.region ?? "-"}|${n.period}|${index}`,
    kind,
    period: n.period,
    regions: n.region ? [n.region] : [],
    label: n.kind.replaceAll("_", " "),
    severity: n.severity ?? null,
    status: null,
    summary: n.summary ?? n.message ?? n.kind.replaceAll("_", " "),
    figures: [],
    evidence: n.evidence ?? [],
  };
}

export interface ChartModelInput {
  /** compositions of one entity (any bases, any order) */
  compositions: readonly ShareComposition[];
  /** alerts; those about other entities are left out */
  alerts?: readonly Alert[];
  /** notices (definition, basis, data quality); those about other entities are left out */
  notices?: readonly Notice[];
  /** show this basis only (default: the basis in use) */
  basis?: string;
}

/**
 * The chart of one entity's shares over time: a series per region (share and amount per period),
 * and markers: alerts on their region's series (or a line at their period when the region is not
 * a series), definition and basis changes, other notices. A basis change the notices do not
 * state is found from the compositions themselves (consecutive periods on different bases).
 * Returns null when there is nothing to chart.
 */
export function buildChartModel(input: ChartModelInput): ChartModel | null {
  const compositions = onBasisInUse(input.compositions, input.basis);
  const first = compositions[0];
  if (!first) return null;
  const entity = first.entity;
  const customs = isCustomsEntity(entity);
  const periods = compositions.map((c) => c.period);
  const regionNames = new Map<string, { name: string; total: number }>();
  for (const c of compositions)
    for (const p of c.parts) {
      const r = regionNames.get(p.region) ?? { name: p.name, total: 0 };
      r.total += p.amount;
      regionNames.set(p.region, r);
    }
  const series: ChartSeries[] = [...regionNames]
    .sort(([ra, a], [rb, b]) => b.total - a.total || ra.localeCompare(rb))
    .map(([region, { name }]) => ({
      region,
      name,
      points: compositions.map((c) => {
        const part = c.parts.find((p) => p.region === region);
        return part ? { share: part.share, amount: part.amount } : null;
      }),
    }));

  const inputs: MarkerInput[] = latestAlerts(input.alerts ?? [])
    .filter((a) => concerns(entity, a.entity))
    .map(alertMarker);
  // notices without an entity are taken to be about this chart's entity
  const notices = (input.notices ?? []).filter((n) => {
    const about = n.entity ?? (n.company ? { company: n.company } : undefined);
    return about === undefined || concerns(entity, about);
  });
  inputs.push(...notices.map(noticeMarker));
  for (let i = 1; i < compositions.length; i++) {
    const [before, now] = [compositions[i - 1] as ShareComposition, compositions[i] as ShareComposition];
    const [was, is] = [basisOf(before), basisOf(now)];
    if (was === is || inputs.some((m) => m.kind === "basis_change" && m.period === now.period)) continue;
    inputs.push({
      id: `basis_change|${entityKey(entity)}|${now.period}`,
      kind: "basis_change",
      period: now.period,
      regions: [],
      label: "basis change",
      severity: null,
      status: null,
      summary: `From ${now.period} the shares are ${basisWording(is)}; up to ${before.period} they were ${basisWording(was)}: not comparable across this line.`,
      figures: [],
      evidence: [],
    });
  }

  const markers: ChartMarker[] = [];
  for (const m of inputs) {
    const at = periods.indexOf(m.period);
    if (at < 0) continue;
    const s = series.find((x) => m.regions.includes(x.region) && x.points[at] !== null);
    const point = s?.points[at] ?? null;
    markers.push({
      id: m.id,
      number: markers.length + 1,
      kind: m.kind,
      period: m.period,
      region: s ? s.region : null,
      regionName: s ? s.name : null,
      share: point ? point.share : null,
      amount: point ? point.amount : null,
      label: m.label,
      severity: m.severity,
      status: m.status,
      summary: m.summary,
      figures: m.figures,
      evidence: m.evidence,
    });
  }

  const basis = basisOf(compositions.at(-1) ?? first);
  const id = `${entityKey(entity)}${basis ? `|${basis}` : ""}`;
  const title = customs
    ? `${entity.reporter}: ${FLOW_WORDING[entity.flow ?? ""] ?? `${entity.flow} by partner`}, ${goods(entity.hs)}`
    : `${entity.company ?? entityKey(entity)}: share of revenue by region`;
  const subtitle = customs ? "share of the customs value (USD), latest revision" : basisWording(basis);
  return {
    id,
    kind: customs ? "customs" : "revenue",
    entity,
    title,
    subtitle,
    basis,
    periods,
    totals: compositions.map((c) => c.total),
    periodLabels: compositions.map((c) => `${c.period}, total ${formatUsd(c.total)}`),
    series,
    markers,
  };
}

/** One chart per entity (revenue first, then customs), each with the alerts and notices about it. */
export function buildChartModels(
  compositions: readonly ShareComposition[],
  alerts: readonly Alert[] = [],
  notices: readonly Notice[] = [],
): ChartModel[] {
  const byEntity = new Map<string, ShareComposition[]>();
  for (const c of compositions) byEntity.set(entityKey(c.entity), [...(byEntity.get(entityKey(c.entity)) ?? []), c]);
  return [...byEntity.values()]
    .flatMap((list) => {
      const model = buildChartModel({ compositions: list, alerts, notices });
      return model ? [model] : [];
    })
    .sort((a, b) => (a.kind === b.kind ? a.id.localeCompare(b.id) : a.kind === "revenue" ? -1 : 1));
}

/** "Singapore: $7.72bn, 22.0%" (what a hover shows for a point). */
export function pointLabel(name: string, point: ChartPoint): string {
  return `${name}: ${formatUsd(point.amount)}, ${pct(point.share)}`;
}

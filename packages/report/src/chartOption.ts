import type { ChartMarker, ChartModel } from "./chartModel";
import { pointLabel } from "./chartModel";
import { formatUsd } from "./money";

/** Region colours (colour-blind friendly first), then a marker colour per severity or notice kind. */
export const REGION_COLOURS = [
  "#1f77b4",
  "#ff7f0e",
  "#2ca02c",
  "#9467bd",
  "#8c564b",
  "#e377c2",
  "#17becf",
  "#bcbd22",
  "#7f7f7f",
  "#d62728",
];

export function markerColour(m: Pick<ChartMarker, "kind" | "severity">): string {
  if (m.kind === "basis_change") return "#00838f";
  if (m.kind === "definition_change") return "#6a1b9a";
  if (m.kind === "notice") return "#546e7a";
  return m.severity === "critical" ? "#c62828" : m.severity === "warning" ? "#ef6c00" : "#1565c0";
}

/** The series that carries the vertical marker lines; not a region, not in the legend. */
export const MARKER_LINES_SERIES = "markers";

const percent = (share: number) => Math.round(share * 10_000) / 100;
/** horizontal distance between pins on the same point (px) */
const PIN_SPACING = 26;

/**
 * The ECharts option of a chart model, as plain JSON (no functions): one line per region (share
 * in %, each point carrying its amount and a hover label), alerts as numbered pins on their
 * region at their period, markers without a region (definition and basis changes, alerts on a
 * region that is not a series) as dashed vertical lines. Every marker item is named by its id, so
 * a click finds it in `model.markers`. The browser script adds the hover formatters.
 */
export function chartOption(model: ChartModel): Record<string, unknown> {
  const pins = (region: string) => {
    const here = model.markers.filter((m) => m.region === region && m.share !== null);
    // markers on the same point side by side, centred on it
    const atPoint = (m: ChartMarker) => here.filter((o) => o.period === m.period);
    return here.map((m) => {
      const same = atPoint(m);
      const offset = (same.indexOf(m) - (same.length - 1) / 2) * PIN_SPACING;
      return {
        name: m.id,
        coord: [m.period, percent(m.share ?? 0)],
        value: m.number,
        symbolOffset: [offset, 0],
        itemStyle: { color: markerColour(m) },
        tip: `${m.number}. ${m.label}: ${m.regionName ?? ""} ${m.period}, ${formatUsd(m.amount ?? 0)}, ${percent(m.share ?? 0).toFixed(1)}%`,
      };
    });
  };
  const lines = model.markers
    .filter((m) => m.region === null)
    .map((m) => ({
      name: m.id,
      xAxis: m.period,
      lineStyle: { color: markerColour(m), type: "dashed", width: 2 },
      label: { formatter: `${m.number}`, color: markerColour(m), position: "end", fontWeight: "bold" },
      tip: `${m.number}. ${m.label} from ${m.period}`,
    }));
  return {
    animation: false,
    color: REGION_COLOURS,
    title: { text: model.title, subtext: model.subtitle, left: 8 },
    legend: { type: "scroll", top: 52, left: 8, data: model.series.map((s) => s.name) },
    grid: { left: 56, right: 32, top: 96, bottom: 40 },
    tooltip: { trigger: "axis", confine: true },
    xAxis: { type: "category", boundaryGap: false, data: model.periods },
    yAxis: { type: "value", min: 0, name: "share of total", nameLocation: "middle", nameGap: 40, axisLabel: { formatter: "{value}%" } },
    series: [
      ...model.series.map((s) => ({
        type: "line",
        id: `region:${s.region}`,
        name: s.name,
        showSymbol: true,
        symbolSize: 5,
        emphasis: { focus: "series" },
        data: s.points.map((p, i) =>
          p ? { value: percent(p.share), amount: p.amount, tip: pointLabel(s.name, p), period: model.periods[i] } : null,
        ),
        markPoint: {
          symbol: "pin",
          symbolSize: 42,
          label: { color: "#fff", fontWeight: "bold" },
          tooltip: { trigger: "item" },
          data: pins(s.region),
        },
      })),
      {
        type: "line",
        id: MARKER_LINES_SERIES,
        name: MARKER_LINES_SERIES,
        data: [],
        markLine: { symbol: "none", silent: false, tooltip: { trigger: "item" }, data: lines },
      },
    ],
  };
}

/** A chart as the browser renders it: its model (markers to explain) and its ECharts option. */
export interface RenderedChart {
  model: ChartModel;
  option: Record<string, unknown>;
}

export function renderedChart(model: ChartModel): RenderedChart {
  return { model, option: chartOption(model) };
}

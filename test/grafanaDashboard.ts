import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { repoRoot } from "@entrepot/testkit";
import { z } from "zod";

/** The committed Grafana dashboard that docker-compose provisions. */
export const DASHBOARD_FILE = resolve(repoRoot, "infra/grafana/dashboards/entrepot.json");

const Dashboard = z.object({
  uid: z.string(),
  title: z.string(),
  panels: z.array(
    z.object({
      title: z.string(),
      datasource: z.object({ type: z.literal("prometheus"), uid: z.string() }),
      targets: z.array(z.object({ expr: z.string().min(1) })).min(1),
    }),
  ),
});
export type Dashboard = z.infer<typeof Dashboard>;

export function readDashboard(): Dashboard {
  return Dashboard.parse(JSON.parse(readFileSync(DASHBOARD_FILE, "utf8")));
}

/** PromQL words that are neither functions nor metrics */
const KEYWORDS = new Set([
  "by",
  "without",
  "on",
  "ignoring",
  "group_left",
  "group_right",
  "bool",
  "offset",
  "and",
  "or",
  "unless",
  "atan2",
]);

/**
 * The metric names a PromQL expression selects: identifiers that are not functions (followed by
 * `(`), label names (inside `{...}` or `by (...)`), strings or range durations.
 */
export function metricNamesOf(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, "")
    .replace(/\{[^}]*\}/g, "")
    .replace(/\[[^\]]*\]/g, "")
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, "");
  const names = new Set<string>();
  for (const m of bare.matchAll(/([A-Za-z_:][A-Za-z0-9_:]*)\s*(\()?/g)) {
    if (!m[2] && !KEYWORDS.has(m[1] as string)) names.add(m[1] as string);
  }
  return [...names];
}

/** Every metric name the dashboard's panels query, sorted. */
export function dashboardMetricNames(dashboard: Dashboard = readDashboard()): string[] {
  return [...new Set(dashboard.panels.flatMap((p) => p.targets.flatMap((t) => metricNamesOf(t.expr))))].sort();
}

/** The names that have at least one sample in a Prometheus text exposition (`name{labels} value` or `name value`). */
export function sampledNames(exposition: string): Set<string> {
  return new Set(
    exposition
      .split("\n")
      .filter((l) => l !== "" && !l.startsWith("#"))
      .map((l) => l.split(/[{ ]/)[0] as string),
  );
}

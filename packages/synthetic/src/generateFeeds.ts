import { toCsv } from "./csv";
import { CUSTOMS_COLUMNS, type CustomsRow, generateCustoms } from "./customs";
import type { AnomalyLabel } from "./labels";
import { generateRevenue, REVENUE_COLUMNS, type RevenueRow } from "./revenue";
import { generateScenarios, type ScenarioLabel } from "./scenarios";

export interface GenerateOptions {
  seed: number;
  /** revenue entities (default 240) */
  companies?: number;
  /** fiscal quarters per company (default 20); customs covers the same span in months */
  quarters?: number;
  /** customs hubs (default: one per 20 companies, between 6 and 20) */
  hubs?: number;
  /** sd of the log-normal noise on each revenue amount (default 0.06) */
  noise?: number;
  /** companies per real-world scenario (split-out, basis change, ...: `SCENARIO_TYPES`; default one per 40 companies, at least 1) */
  scenarios?: number;
}

export interface GeneratedFeeds {
  options: Required<GenerateOptions>;
  revenue: RevenueRow[];
  customs: CustomsRow[];
  labels: AnomalyLabel[];
  /** the scenario companies' labels (SCN0001...): expected alerts and notices */
  scenarios: ScenarioLabel[];
  revenueCsv: string;
  customsCsv: string;
  labelsJson: string;
  scenariosJson: string;
}

/** Revenue and customs feeds with labelled anomalies; a pure function of its options (same seed, same bytes). */
export function generateFeeds(options: GenerateOptions): GeneratedFeeds {
  const companies = options.companies ?? 240;
  const quarters = options.quarters ?? 20;
  const resolved: Required<GenerateOptions> = {
    seed: options.seed >>> 0,
    companies,
    quarters,
    hubs: options.hubs ?? Math.min(20, Math.max(6, Math.round(companies / 20))),
    noise: options.noise ?? 0.06,
    scenarios: options.scenarios ?? Math.max(1, Math.round(companies / 40)),
  };
  const revenue = generateRevenue({ seed: resolved.seed, companies, quarters, noise: resolved.noise });
  const scenarios = generateScenarios({ seed: resolved.seed, perScenario: resolved.scenarios, quarters });
  const revenueRows = [...revenue.rows, ...scenarios.rows];
  const customs = generateCustoms({ seed: resolved.seed, hubs: resolved.hubs, months: quarters * 3 });
  const labels = [...revenue.labels, ...customs.labels];
  return {
    options: resolved,
    revenue: revenueRows,
    customs: customs.rows,
    labels,
    scenarios: scenarios.labels,
    revenueCsv: toCsv(REVENUE_COLUMNS, revenueRows),
    customsCsv: toCsv(CUSTOMS_COLUMNS, customs.rows),
    labelsJson: `${JSON.stringify(labels, null, 2)}\n`,
    scenariosJson: `${JSON.stringify(scenarios.labels, null, 2)}\n`,
  };
}

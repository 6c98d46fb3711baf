import { CustomsClean, RevenueClean } from "@entrepot/schemas";
import type { AlertDraft } from "./alertDraft";

const NAMES: Record<string, string> = {
  SG: "Singapore",
  US: "United States",
  TW: "Taiwan",
  CN: "China",
  KR: "Korea",
  MY: "Malaysia",
  "GROUP:WORLD": "World",
};

/** A NVDA-like quarter FY2025-Q3 (2024-07-29..2024-10-27) with a hub share given in %, total $100m. */
export function revenueQuarter(period: string, start: string, end: string, sgPct: number): RevenueClean[] {
  return [
    ["SG", sgPct],
    ["US", 100 - sgPct],
  ].map(([region, v]) =>
    RevenueClean.parse({
      schemaVersion: 1,
      company: "NVDA",
      fiscalPeriod: period,
      fiscalYear: Number(period.slice(2, 6)),
      fiscalQuarter: Number(period.slice(-1)),
      periodStart: start,
      periodEnd: end,
      regionLabel: NAMES[region as string],
      region,
      regionName: NAMES[region as string],
      revenueUsd: (v as number) * 1e6,
      basis: "billing",
      asOf: "2024-12-01",
      provenance: { source: "test", file: "r.csv", line: 1, ingestRun: "r", format: "revenue-csv" },
    }),
  );
}

export function customs(
  reporter: string,
  partner: string,
  flow: "import" | "export",
  period: string,
  valueUsd: number,
  hsCode = "854231",
): CustomsClean {
  return customsRecord(reporter, partner, flow, hsCode, period, valueUsd, { asOf: "2024-12-01" });
}

/** One clean customs record for tests (as of 2024-09-01 unless `extra` says otherwise). */
export function customsRecord(
  reporter: string,
  partner: string,
  flow: "import" | "export",
  hsCode: string,
  period: string,
  valueUsd: number,
  extra: Partial<CustomsClean> = {},
): CustomsClean {
  return CustomsClean.parse({
    schemaVersion: 1,
    classification: "HS",
    reporter,
    reporterName: NAMES[reporter],
    partner,
    partnerName: NAMES[partner],
    flow,
    hsCode,
    hs6: hsCode.slice(0, 6),
    period,
    frequency: "M",
    valueUsd,
    flags: [],
    asOf: "2024-09-01",
    provenance: { source: "test", file: "c.csv", line: 1, ingestRun: "r", format: "customs-csv" },
    ...extra,
  });
}

export const NVDA_WATCH = { company: "NVDA", hubs: ["SG"], hsCodes: ["847180", "847330", "854231"], origins: ["TW", "KR", "CN"] };
export const WATCH = [NVDA_WATCH];
export const Q3_MONTHS = ["2024-07", "2024-08", "2024-09", "2024-10"];

/** The seed case's share-shift alert draft (NVDA, Singapore, FY2025-Q3), with overrides. */
export const alertDraft = (over: Partial<AlertDraft> = {}): AlertDraft => ({
  alertId: "share_shift_yoy|NVDA|SG|FY2025-Q3",
  rule: "share_shift_yoy",
  kind: "anomaly",
  severity: "warning",
  entity: { company: "NVDA" },
  region: "SG",
  regionName: "Singapore",
  period: "FY2025-Q3",
  baselinePeriod: "FY2024-Q3",
  observed: 0.22,
  baseline: 0.13,
  score: 4,
  threshold: 3,
  summary: "Singapore's share rose to 22.0%",
  basis: "revenue by customer billing location",
  evidence: ["NVDA|FY2025-Q3|SG"],
  ...over,
});

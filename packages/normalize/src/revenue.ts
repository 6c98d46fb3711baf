import {
  companyCalendar,
  type FiscalCalendar,
  fiscalQuarterDates,
  formatReportingPeriod,
  parseReportingPeriod,
  parseRevenueBasis,
  type ReportingPeriod,
  type RevenueBasisId,
  type RevenueRegion,
  resolveRevenueRegion,
  toUsd,
} from "@entrepot/reference";
import type { RawRecord, RevenueClean } from "@entrepot/schemas";
import { parseAsOf } from "./customsRecord";
import { type FieldReader, fieldReader } from "./fields";
import { parseAmount, parseScaleName } from "./numbers";
import { fail, type Normalized } from "./result";

export interface RevenueOptions {
  /** FX rates to USD by ISO 4217 code (USD is always 1) */
  fxToUsd?: Record<string, number>;
  /** fiscal calendars by company (upper case), over the built-in ones */
  fiscalCalendars?: Record<string, FiscalCalendar>;
  /** basis of rows without a `basis` value (default: billing) */
  defaultBasis?: RevenueBasisId;
}

/**
 * Canonical revenue row -> clean revenue fact, or the first problem found. Required `company`,
 * `fiscal_period` (a quarter, half-year or year), `region`, `revenue`; optional `period_end`,
 * `currency`, `scale`, `basis` (billing, ship-to, customer, customer headquarters, end customer;
 * default `options.defaultBasis`, else billing), `source`, `reported_at`. Every label a filing
 * prints is kept: totals ("Total revenue") become the `TOTAL` row, groups state their members
 * ("Other countries (excl. Singapore)"), and a label nobody recognises becomes an `opaque` region
 * named as printed. When the company's fiscal calendar is known, quarters get `periodStart` and
 * `periodEnd` from it (a `period_end` in the file wins for the end date).
 */
export function normalizeRevenue(raw: RawRecord, options: RevenueOptions = {}): Normalized<RevenueClean> {
  const f = fieldReader(raw);
  for (const required of ["company", "fiscal_period", "region", "revenue"]) {
    if (!f.has(required)) return fail("missing_field", `${required} is missing or empty`, required);
  }
  const key = revenueKeyFields(f);
  if (!key.ok) return key;
  const { company, period, regionLabel, region } = key.record;

  const amount = parseAmount(f.get("revenue"), "revenue");
  if (!amount.ok) return amount;
  if (amount.record < 0) return fail("negative_value", `revenue ${f.get("revenue")} is negative`, "revenue");
  const scale = parseScaleName(f.get("scale"));
  if (!scale.ok) return scale;
  const currency = f.get("currency") || "USD";
  const revenueUsd = toUsd(amount.record, currency, scale.record, options.fxToUsd);
  if (revenueUsd === null) return fail("bad_currency", `currency "${currency}" has no USD rate configured`, "currency");

  const basis = revenueBasis(f, options);
  if (!basis.ok) return basis;

  const periodEnd = parseAsOf(f.get("period_end"), "period_end");
  if (!periodEnd.ok) return periodEnd;
  const reportedAt = parseAsOf(f.get("reported_at"), "reported_at");
  if (!reportedAt.ok) return reportedAt;

  const record: RevenueClean = {
    schemaVersion: 1,
    company,
    fiscalPeriod: formatReportingPeriod(period),
    fiscalYear: period.fiscalYear,
    ...(period.frequency === "quarter" ? { fiscalQuarter: period.quarter } : { frequency: period.frequency }),
    regionLabel,
    region: region.id,
    regionName: region.name,
    ...(region.kind === "total" || region.kind === "opaque" ? { regionKind: region.kind } : {}),
    ...(region.includes ? { includes: region.includes } : {}),
    ...(region.excludes ? { excludes: region.excludes } : {}),
    revenueUsd,
    basis: basis.record,
    asOf: reportedAt.record ?? "1970-01-01",
    provenance: { ...raw.provenance, source: f.get("source") || raw.provenance.source },
  };
  const calendar = period.frequency === "quarter" ? companyCalendar(company, options.fiscalCalendars) : undefined;
  if (calendar && period.frequency === "quarter") {
    const dates = fiscalQuarterDates(calendar, period);
    record.periodStart = dates.start;
    record.periodEnd = dates.end;
  }
  if (periodEnd.record) record.periodEnd = periodEnd.record;
  return { ok: true, record };
}

/** What a revenue row's key (`revenueCleanKey`) is made of besides its basis. */
export interface RevenueKeyFields {
  /** upper case */
  company: string;
  period: ReportingPeriod;
  regionLabel: string;
  region: RevenueRegion;
}

/**
 * The key fields of a canonical revenue row (company, fiscal period, region), or the first problem
 * among them; nothing about its figures. `normalizeRevenue` reads them here, and so does the raw
 * topics' partition key (`rawPartitionKey`).
 */
export function revenueKeyFields(f: FieldReader): Normalized<RevenueKeyFields> {
  const company = (f.get("company") ?? "").toUpperCase();
  const periodText = f.get("fiscal_period") ?? "";
  const period = parseReportingPeriod(periodText);
  if (!period) {
    return fail(
      "bad_fiscal_period",
      `fiscal_period "${periodText}" is not a fiscal quarter, half or year like FY2025-Q3, FY2025-H1, FY2025`,
      "fiscal_period",
    );
  }
  const regionLabel = f.get("region") ?? "";
  const region = resolveRevenueRegion(regionLabel);
  if (!region) return fail("unknown_region", `region "${regionLabel}" is not a region label (a number or blank)`, "region");
  return { ok: true, record: { company, period, regionLabel, region } };
}

/** A revenue row's basis: its `basis` value, else `options.defaultBasis`, else billing. */
export function revenueBasis(f: FieldReader, options: Pick<RevenueOptions, "defaultBasis">): Normalized<RevenueBasisId> {
  const basisText = f.get("basis") ?? "";
  const basis = basisText ? parseRevenueBasis(basisText) : (options.defaultBasis ?? "billing");
  if (!basis) {
    return fail("bad_basis", `basis "${basisText}" is not billing, ship-to, customer, customer headquarters or end customer`, "basis");
  }
  return { ok: true, record: basis };
}

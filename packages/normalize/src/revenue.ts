import {
  companyCalendar,
  type FiscalCalendar,
  fiscalQuarterDates,
  formatFiscalPeriod,
  parseFiscalPeriod,
  resolveRegion,
  toUsd,
} from "@entrepot/reference";
import { type RawRecord, RevenueBasis, type RevenueClean } from "@entrepot/schemas";
import { parseAsOf } from "./customsRecord";
import { fieldReader } from "./fields";
import { parseAmount, parseScaleName } from "./numbers";
import { fail, type Normalized } from "./result";

export interface RevenueOptions {
  /** FX rates to USD by ISO 4217 code (USD is always 1) */
  fxToUsd?: Record<string, number>;
  /** fiscal calendars by company (upper case), over the built-in ones */
  fiscalCalendars?: Record<string, FiscalCalendar>;
}

/**
 * Canonical revenue row -> clean revenue fact, or the first problem found. Required `company`,
 * `fiscal_period`, `region`, `revenue`; optional `period_end`, `currency`, `scale`, `basis`,
 * `source`, `reported_at`. When the company's fiscal calendar is known, `periodStart` and
 * `periodEnd` come from it (a `period_end` in the file wins for the end date).
 */
export function normalizeRevenue(raw: RawRecord, options: RevenueOptions = {}): Normalized<RevenueClean> {
  const f = fieldReader(raw);
  for (const required of ["company", "fiscal_period", "region", "revenue"]) {
    if (!f.has(required)) return fail("missing_field", `${required} is missing or empty`, required);
  }
  const company = (f.get("company") ?? "").toUpperCase();
  const periodText = f.get("fiscal_period") ?? "";
  const period = parseFiscalPeriod(periodText);
  if (!period) {
    return fail("bad_fiscal_period", `fiscal_period "${periodText}" is not a fiscal quarter like FY2025-Q3`, "fiscal_period");
  }
  const regionLabel = f.get("region") ?? "";
  const region = resolveRegion(regionLabel);
  if (!region) return fail("unknown_region", `region "${regionLabel}" is not a known country or reporting group`, "region");

  const amount = parseAmount(f.get("revenue"), "revenue");
  if (!amount.ok) return amount;
  if (amount.record < 0) return fail("negative_value", `revenue ${f.get("revenue")} is negative`, "revenue");
  const scale = parseScaleName(f.get("scale"));
  if (!scale.ok) return scale;
  const currency = f.get("currency") || "USD";
  const revenueUsd = toUsd(amount.record, currency, scale.record, options.fxToUsd);
  if (revenueUsd === null) return fail("bad_currency", `currency "${currency}" has no USD rate configured`, "currency");

  const basisText = (f.get("basis") || "billing").toLowerCase();
  const basis = RevenueBasis.safeParse(basisText);
  if (!basis.success) return fail("bad_basis", `basis "${basisText}" is not billing, shipping or customer`, "basis");

  const periodEnd = parseAsOf(f.get("period_end"), "period_end");
  if (!periodEnd.ok) return periodEnd;
  const reportedAt = parseAsOf(f.get("reported_at"), "reported_at");
  if (!reportedAt.ok) return reportedAt;

  const record: RevenueClean = {
    schemaVersion: 1,
    company,
    fiscalPeriod: formatFiscalPeriod(period),
    fiscalYear: period.fiscalYear,
    fiscalQuarter: period.quarter,
    regionLabel,
    region: region.id,
    regionName: region.name,
    revenueUsd,
    basis: basis.data,
    asOf: reportedAt.record ?? "1970-01-01",
    provenance: { ...raw.provenance, source: f.get("source") || raw.provenance.source },
  };
  const calendar = companyCalendar(company, options.fiscalCalendars);
  if (calendar) {
    const dates = fiscalQuarterDates(calendar, period);
    record.periodStart = dates.start;
    record.periodEnd = dates.end;
  }
  if (periodEnd.record) record.periodEnd = periodEnd.record;
  return { ok: true, record };
}

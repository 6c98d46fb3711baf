import { formatFiscalPeriod, parseFiscalPeriod, resolveRegion } from "@entrepot/reference";
import { type RawRecord, RevenueBasis, type RevenueClean } from "@entrepot/schemas";
import { parseAmount, parseScale } from "./numbers";
import { fail, type Normalized } from "./result";

export interface RevenueOptions {
  /** FX rates to USD by ISO 4217 code (USD is always 1) */
  fxToUsd?: Record<string, number>;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

function field(raw: RawRecord, name: string): string | undefined {
  const v = raw.fields[name];
  return v === undefined ? undefined : v.trim();
}

/** Canonical revenue CSV row -> clean revenue fact, or the first problem found. */
export function normalizeRevenue(raw: RawRecord, options: RevenueOptions = {}): Normalized<RevenueClean> {
  for (const required of ["company", "fiscal_period", "region", "revenue"]) {
    if (!field(raw, required)) return fail("missing_field", `${required} is missing or empty`, required);
  }
  const company = (field(raw, "company") ?? "").toUpperCase();
  const periodText = field(raw, "fiscal_period") ?? "";
  const period = parseFiscalPeriod(periodText);
  if (!period) {
    return fail("bad_fiscal_period", `fiscal_period "${periodText}" is not a fiscal quarter like FY2025-Q3`, "fiscal_period");
  }
  const regionLabel = field(raw, "region") ?? "";
  const region = resolveRegion(regionLabel);
  if (!region) return fail("unknown_region", `region "${regionLabel}" is not a known country or reporting group`, "region");

  const amount = parseAmount(field(raw, "revenue"), "revenue");
  if (!amount.ok) return amount;
  if (amount.record < 0) return fail("negative_value", `revenue ${field(raw, "revenue")} is negative`, "revenue");
  const scale = parseScale(field(raw, "scale"));
  if (!scale.ok) return scale;

  const currency = (field(raw, "currency") || "USD").toUpperCase();
  const rate = currency === "USD" ? 1 : options.fxToUsd?.[currency];
  if (!/^[A-Z]{3}$/.test(currency) || rate === undefined) {
    return fail("bad_currency", `currency "${currency}" has no USD rate configured`, "currency");
  }
  const basisText = (field(raw, "basis") || "billing").toLowerCase();
  const basis = RevenueBasis.safeParse(basisText);
  if (!basis.success) return fail("bad_basis", `basis "${basisText}" is not billing, shipping or customer`, "basis");

  const periodEnd = field(raw, "period_end");
  if (periodEnd && !ISO_DATE.test(periodEnd)) return fail("bad_date", `period_end "${periodEnd}" is not an ISO date`, "period_end");
  const reportedAt = field(raw, "reported_at");
  if (reportedAt && !ISO_DATE.test(reportedAt)) return fail("bad_date", `reported_at "${reportedAt}" is not an ISO date`, "reported_at");

  const record: RevenueClean = {
    schemaVersion: 1,
    company,
    fiscalPeriod: formatFiscalPeriod(period),
    fiscalYear: period.fiscalYear,
    fiscalQuarter: period.quarter,
    regionLabel,
    region: region.id,
    regionName: region.name,
    revenueUsd: amount.record * scale.record * rate,
    basis: basis.data,
    asOf: reportedAt || "1970-01-01",
    provenance: { ...raw.provenance, source: field(raw, "source") || raw.provenance.source },
  };
  if (periodEnd) record.periodEnd = periodEnd;
  return { ok: true, record };
}

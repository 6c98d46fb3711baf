import { z } from "zod";
import { Provenance } from "./provenance";

/**
 * What a company's revenue by region is allocated by: the customer's billing location (NVIDIA,
 * AMD), ship-to location, the customer's location, its headquarters (NVIDIA from its FY2026 10-K,
 * Micron), or the end customer. Part of a series' identity: shares on two bases are never mixed.
 */
export const RevenueBasis = z.enum(["billing", "shipping", "customer", "headquarters", "end_customer"]);
export type RevenueBasis = z.infer<typeof RevenueBasis>;

/** A fiscal period label in canonical form: a quarter `FY2025-Q3`, a half `FY2025-H1` or a year `FY2025`. */
export const FiscalPeriod = z.string().regex(/^FY\d{4}(-Q[1-4]|-H[12])?$/, "expected FYyyyy-Qn, FYyyyy-Hn or FYyyyy");

/** How long a reported period is. */
export const PeriodFrequency = z.enum(["quarter", "half", "year"]);
export type PeriodFrequency = z.infer<typeof PeriodFrequency>;

/**
 * What a revenue row's label stands for: a country, a reporting group ("Other countries",
 * "EMEA"), the company's reported total (the denominator of every share), or a label nobody
 * recognises (kept as its own region so shares stay right, flagged).
 */
export const RegionKind = z.enum(["country", "group", "total", "opaque"]);
export type RegionKind = z.infer<typeof RegionKind>;

/** One company's revenue in one region for one fiscal quarter, in USD. */
export const RevenueClean = z.object({
  schemaVersion: z.literal(1),
  company: z.string().min(1),
  fiscalPeriod: FiscalPeriod,
  fiscalYear: z.number().int(),
  /** absent for half-year and annual periods */
  fiscalQuarter: z.number().int().min(1).max(4).optional(),
  /** absent = quarter */
  frequency: PeriodFrequency.optional(),
  /** calendar dates the quarter covers, when known (ISO yyyy-mm-dd) */
  periodStart: z.string().optional(),
  periodEnd: z.string().optional(),
  /** region label as the filing prints it */
  regionLabel: z.string().min(1),
  /** canonical region id: ISO 3166-1 alpha-2, or a named group like `GROUP:CN+HK` */
  region: z.string().min(1),
  regionName: z.string().min(1),
  /** absent = a country or group as before; `total` rows are denominators, `opaque` rows unrecognised labels */
  regionKind: RegionKind.optional(),
  /** membership the label states: "Other countries (incl. Singapore)" includes SG, "(excl. Singapore)" excludes it */
  includes: z.array(z.string()).optional(),
  excludes: z.array(z.string()).optional(),
  revenueUsd: z.number().nonnegative(),
  basis: RevenueBasis,
  /** when this figure was published (filing or restatement date), ISO date */
  asOf: z.string(),
  provenance: Provenance,
});
export type RevenueClean = z.infer<typeof RevenueClean>;

/**
 * The natural (compaction) key: `company|period|region`, plus `|basis` when the basis is not
 * billing, so a period recast on a new basis (same period, new basis) is a fact of its own instead
 * of replacing the original. Billing facts keep the key they always had.
 */
export function revenueCleanKey(
  r: Pick<RevenueClean, "company" | "fiscalPeriod" | "region"> & { basis?: RevenueBasis | undefined },
): string {
  const key = `${r.company}|${r.fiscalPeriod}|${r.region}`;
  return r.basis === undefined || r.basis === "billing" ? key : `${key}|${r.basis}`;
}

export const TradeFlow = z.enum(["import", "export", "re-export", "re-import"]);
export type TradeFlow = z.infer<typeof TradeFlow>;

/**
 * One customs statistic: classification x reporter x partner x partner2 x flow x commodity x
 * customs procedure x mode of transport x period. Bitemporal: `period` is the time the fact
 * describes, `asOf` when it was published (Comtrade release, revision date); a newer `asOf`
 * for the same key replaces the older one.
 */
export const CustomsClean = z.object({
  schemaVersion: z.literal(1),
  /** `HS` when unknown, else as reported: Comtrade `H4`, `H6`, ... */
  classification: z.string().min(1),
  /** reporting country: ISO 3166-1 alpha-2 */
  reporter: z.string().min(2),
  reporterName: z.string().min(1),
  /** partner: ISO alpha-2, or a group id such as `GROUP:WORLD`, `GROUP:EU` */
  partner: z.string().min(2),
  partnerName: z.string().min(1),
  /** second partner (Comtrade partner2, e.g. consignment country); absent = not distinguished (World) */
  partner2: z.string().min(2).optional(),
  flow: TradeFlow,
  /** full commodity code as reported, digits only, leading zeros kept; `TOTAL` = all commodities */
  hsCode: z.string().regex(/^(\d{2,12}|TOTAL)$/),
  /** HS6 (or shorter when reported at 2/4 digits) for joins; `TOTAL` = all commodities */
  hs6: z.string().regex(/^(\d{2,6}|TOTAL)$/),
  commodity: z.string().optional(),
  /** `YYYY-MM` (monthly) or `YYYY` (annual) */
  period: z.string().regex(/^\d{4}(-(0[1-9]|1[0-2]))?$/),
  frequency: z.enum(["A", "M"]),
  /** Comtrade customs procedure code; absent = all procedures (C00) */
  customsProcedure: z.string().optional(),
  /** Comtrade mode of transport code; absent = all modes (0) */
  modeOfTransport: z.string().optional(),
  /** the headline value in USD (Comtrade primaryValue: CIF for imports, FOB for exports) */
  valueUsd: z.number().nonnegative(),
  cifUsd: z.number().nonnegative().optional(),
  fobUsd: z.number().nonnegative().optional(),
  quantity: z.number().nonnegative().optional(),
  quantityUnit: z.string().optional(),
  netWeightKg: z.number().nonnegative().optional(),
  grossWeightKg: z.number().nonnegative().optional(),
  /** e.g. `comtrade_490_as_TW`, `estimated_quantity`, `hs_truncated_to_hs6` */
  flags: z.array(z.string()),
  /** when this figure was published, ISO date; `1970-01-01` when the source does not say */
  asOf: z.string(),
  provenance: Provenance,
});
export type CustomsClean = z.infer<typeof CustomsClean>;

/**
 * The compaction key: every dimension Comtrade distinguishes, fixed positions, `-` where a
 * dimension is not distinguished (World partner2, all procedures, all modes).
 */
export function customsCleanKey(
  r: Pick<CustomsClean, "classification" | "reporter" | "partner" | "flow" | "hsCode" | "period"> & {
    partner2?: string | undefined;
    customsProcedure?: string | undefined;
    modeOfTransport?: string | undefined;
  },
): string {
  return [
    r.reporter,
    r.partner,
    r.flow,
    r.hsCode,
    r.period,
    r.partner2 ?? "-",
    r.customsProcedure ?? "-",
    r.modeOfTransport ?? "-",
    r.classification,
  ].join("|");
}

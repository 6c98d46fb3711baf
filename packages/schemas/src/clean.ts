import { z } from "zod";
import { Provenance } from "./provenance";

export const RevenueBasis = z.enum(["billing", "shipping", "customer"]);
export type RevenueBasis = z.infer<typeof RevenueBasis>;

/** A fiscal period label in canonical form, e.g. `FY2025-Q3`. */
export const FiscalPeriod = z.string().regex(/^FY\d{4}-Q[1-4]$/, "expected FYyyyy-Qn");

/** One company's revenue in one region for one fiscal quarter, in USD. */
export const RevenueClean = z.object({
  schemaVersion: z.literal(1),
  company: z.string().min(1),
  fiscalPeriod: FiscalPeriod,
  fiscalYear: z.number().int(),
  fiscalQuarter: z.number().int().min(1).max(4),
  /** calendar dates the quarter covers, when known (ISO yyyy-mm-dd) */
  periodStart: z.string().optional(),
  periodEnd: z.string().optional(),
  /** region label as the filing prints it */
  regionLabel: z.string().min(1),
  /** canonical region id: ISO 3166-1 alpha-2, or a named group like `GROUP:CN+HK` */
  region: z.string().min(1),
  regionName: z.string().min(1),
  revenueUsd: z.number().nonnegative(),
  basis: RevenueBasis,
  /** when this figure was published (filing or restatement date), ISO date */
  asOf: z.string(),
  provenance: Provenance,
});
export type RevenueClean = z.infer<typeof RevenueClean>;

export function revenueCleanKey(r: Pick<RevenueClean, "company" | "fiscalPeriod" | "region">): string {
  return `${r.company}|${r.fiscalPeriod}|${r.region}`;
}

export const TradeFlow = z.enum(["import", "export", "re-export", "re-import"]);
export type TradeFlow = z.infer<typeof TradeFlow>;

/** One customs statistic: reporter x partner x flow x commodity x period. */
export const CustomsClean = z.object({
  schemaVersion: z.literal(1),
  classification: z.string().default("HS"),
  reporter: z.string().min(2),
  partner: z.string().min(2),
  partner2: z.string().optional(),
  flow: TradeFlow,
  /** full commodity code as reported, digits only */
  hsCode: z.string().regex(/^\d{2,12}$/),
  /** HS6 (or shorter when reported at 2/4 digits) for joins */
  hs6: z.string().regex(/^\d{2,6}$/),
  /** `YYYY-MM` (monthly) or `YYYY` (annual) */
  period: z.string().regex(/^\d{4}(-\d{2})?$/),
  customsProcedure: z.string().optional(),
  modeOfTransport: z.string().optional(),
  valueUsd: z.number().nonnegative(),
  cifUsd: z.number().nonnegative().optional(),
  fobUsd: z.number().nonnegative().optional(),
  quantity: z.number().nonnegative().optional(),
  quantityUnit: z.string().optional(),
  netWeightKg: z.number().nonnegative().optional(),
  /** e.g. `partner_490_as_TW` */
  flags: z.array(z.string()).default([]),
  asOf: z.string(),
  provenance: Provenance,
});
export type CustomsClean = z.infer<typeof CustomsClean>;

export function customsCleanKey(
  r: Pick<CustomsClean, "reporter" | "partner" | "flow" | "hsCode" | "period"> &
    Partial<Pick<CustomsClean, "classification" | "partner2" | "customsProcedure" | "modeOfTransport">>,
): string {
  const base = `${r.reporter}|${r.partner}|${r.flow}|${r.hsCode}|${r.period}`;
  const extra = [r.partner2, r.customsProcedure, r.modeOfTransport].filter((x) => x !== undefined && x !== "");
  return extra.length > 0 ? `${base}|${extra.join("|")}` : base;
}

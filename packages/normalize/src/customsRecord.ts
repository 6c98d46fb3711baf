import { type Area, parseHsCode } from "@entrepot/reference";
import type { CustomsClean, RawRecord, TradeFlow } from "@entrepot/schemas";
import { fail, type Normalized } from "./result";

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const FLOWS: Record<string, TradeFlow> = {
  import: "import",
  imports: "import",
  m: "import",
  "1": "import",
  export: "export",
  exports: "export",
  x: "export",
  "2": "export",
  "re-export": "re-export",
  "re-exports": "re-export",
  reexport: "re-export",
  rx: "re-export",
  "3": "re-export",
  "re-import": "re-import",
  "re-imports": "re-import",
  reimport: "re-import",
  rm: "re-import",
  "4": "re-import",
  // Comtrade: domestic exports and foreign imports are the export/import of a special trade system
  dx: "export",
  fm: "import",
};

/** `import|export|re-export|re-import`, the Comtrade codes M/X/RX/RM/DX/FM and legacy 1-4. */
export function parseFlow(text: string | undefined): Normalized<TradeFlow> {
  const t = (text ?? "").trim().toLowerCase().replace(/\s+/g, "-");
  const flow = FLOWS[t];
  return flow ? { ok: true, record: flow } : fail("bad_flow", `flow "${text ?? ""}" is not import, export, re-export or re-import`, "flow");
}

/** `YYYY`, `YYYY-MM`, `YYYYMM` -> canonical period and frequency. */
export function parsePeriod(text: string | undefined): Normalized<{ period: string; frequency: "A" | "M" }> {
  const t = (text ?? "").trim();
  const m = /^(\d{4})(?:-?(\d{2}))?$/.exec(t);
  const year = Number(m?.[1]);
  const month = m?.[2] === undefined ? undefined : Number(m[2]);
  if (!m || year < 1900 || year > 2100 || (month !== undefined && (month < 1 || month > 12))) {
    return fail("bad_period", `period "${t}" is not YYYY, YYYY-MM or YYYYMM`, "period");
  }
  return month === undefined
    ? { ok: true, record: { period: String(year), frequency: "A" } }
    : { ok: true, record: { period: `${year}-${String(month).padStart(2, "0")}`, frequency: "M" } };
}

export function parseAsOf(text: string | undefined, field: string): Normalized<string | undefined> {
  const t = (text ?? "").trim();
  if (t === "") return { ok: true, record: undefined };
  const date = t.length >= 10 ? t.slice(0, 10) : t;
  if (!ISO_DATE.test(date) || Number.isNaN(Date.parse(date))) return fail("bad_date", `${field} "${t}" is not an ISO date`, field);
  return { ok: true, record: date };
}

/** A commodity code, or `TOTAL` (all commodities, as Comtrade and partner-total files report). */
export function parseCommodity(text: string | undefined): Normalized<{ hsCode: string; hs6: string; flags: string[] }> {
  const t = (text ?? "").trim();
  if (/^(total|all|ALL COMMODITIES)$/i.test(t)) return { ok: true, record: { hsCode: "TOTAL", hs6: "TOTAL", flags: [] } };
  const hs = parseHsCode(t);
  if (!hs) return fail("bad_hs_code", `commodity code "${t}" is not a 2/4/6-digit HS code or an 8-12 digit national code`, "hs_code");
  return { ok: true, record: { hsCode: hs.full, hs6: hs.hs6, flags: hs.full.length > 6 ? ["hs_truncated_to_hs6"] : [] } };
}

export interface CustomsParts {
  classification: string;
  reporter: Area;
  partner: Area;
  partner2?: Area | undefined;
  flow: TradeFlow;
  commodity: { hsCode: string; hs6: string; flags: string[] };
  commodityText?: string | undefined;
  period: { period: string; frequency: "A" | "M" };
  customsProcedure?: string | undefined;
  modeOfTransport?: string | undefined;
  valueUsd: number;
  cifUsd?: number | undefined;
  fobUsd?: number | undefined;
  quantity?: number | undefined;
  quantityUnit?: string | undefined;
  netWeightKg?: number | undefined;
  grossWeightKg?: number | undefined;
  flags?: string[];
  asOf?: string | undefined;
  source?: string | undefined;
}

/**
 * What a customs fact's key (`customsCleanKey`) is made of, as a layout reads it: `buildCustoms`
 * turns these into the record's key fields, `customsPartsKey` (partitionKey.ts) into its key.
 */
export type CustomsKeyParts = Pick<
  CustomsParts,
  "classification" | "reporter" | "partner" | "partner2" | "flow" | "commodity" | "period" | "customsProcedure" | "modeOfTransport"
>;

/** A second partner as the record keeps it: none when it is World (the dimension is not distinguished). */
export function distinguishedPartner2(partner2: Area | undefined): string | undefined {
  return partner2 && partner2.id !== "GROUP:WORLD" ? partner2.id : undefined;
}

/** The flags of a record's parts, each once, sorted. */
function mergeFlags(lists: readonly (readonly string[] | undefined)[]): string[] {
  const all: string[] = [];
  for (const list of lists) if (list) for (const flag of list) all.push(flag);
  return all.length < 2 ? all : [...new Set(all)].sort();
}

/** Assembles the canonical record, leaving absent optionals out (exactOptionalPropertyTypes). */
export function buildCustoms(raw: RawRecord, p: CustomsParts): Normalized<CustomsClean> {
  if (p.valueUsd < 0) return fail("negative_value", `trade value ${p.valueUsd} is negative`, "value");
  const flags = mergeFlags([p.reporter.flags, p.partner.flags, p.partner2?.flags, p.commodity.flags, p.flags]);
  const record: CustomsClean = {
    schemaVersion: 1,
    classification: p.classification,
    reporter: p.reporter.id,
    reporterName: p.reporter.name,
    partner: p.partner.id,
    partnerName: p.partner.name,
    flow: p.flow,
    hsCode: p.commodity.hsCode,
    hs6: p.commodity.hs6,
    period: p.period.period,
    frequency: p.period.frequency,
    valueUsd: p.valueUsd,
    flags,
    asOf: p.asOf ?? "1970-01-01",
    provenance: p.source ? { ...raw.provenance, source: p.source } : raw.provenance,
  };
  // the optionals in this order, each only when it has a value
  const partner2 = distinguishedPartner2(p.partner2);
  if (partner2) record.partner2 = partner2;
  if (p.commodityText) record.commodity = p.commodityText;
  if (p.customsProcedure) record.customsProcedure = p.customsProcedure;
  if (p.modeOfTransport) record.modeOfTransport = p.modeOfTransport;
  if (p.cifUsd !== undefined) record.cifUsd = p.cifUsd;
  if (p.fobUsd !== undefined) record.fobUsd = p.fobUsd;
  if (p.quantity !== undefined) record.quantity = p.quantity;
  if (p.quantityUnit) record.quantityUnit = p.quantityUnit;
  if (p.netWeightKg !== undefined) record.netWeightKg = p.netWeightKg;
  if (p.grossWeightKg !== undefined) record.grossWeightKg = p.grossWeightKg;
  return { ok: true, record };
}

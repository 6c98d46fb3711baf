import { compactKey } from "./fields";

/** Every layout Entrepot reads. `mapping` needs a mapping file. */
export const FORMATS = ["revenue-csv", "customs-csv", "comtrade", "comtrade-legacy", "census-json", "mapping"] as const;
export type Format = (typeof FORMATS)[number];

export function isFormat(text: string): text is Format {
  return (FORMATS as readonly string[]).includes(text);
}

/** The feed a format belongs to (mapping files say their own). */
export function feedOfFormat(format: Exclude<Format, "mapping">): "revenue" | "customs" {
  return format === "revenue-csv" ? "revenue" : "customs";
}

const has = (keys: Set<string>, ...names: string[]) => names.every((n) => keys.has(compactKey(n)));

/**
 * Recognizes a layout from its header (field names in file order). Checks the most specific
 * layouts first; null when no layout's identifying columns are all present.
 */
export function detectFormat(header: readonly string[]): Exclude<Format, "mapping"> | null {
  const keys = new Set(header.map(compactKey));
  if (
    has(keys, "reporterCode", "partnerCode", "flowCode", "cmdCode") ||
    has(keys, "reporterCode", "partnerCode", "cmdCode", "primaryValue")
  ) {
    return "comtrade";
  }
  if (has(keys, "Reporter Code", "Partner Code", "Commodity Code") && (keys.has("tradeflowcode") || keys.has("tradeflow"))) {
    return "comtrade-legacy";
  }
  if (has(keys, "CTY_CODE") && (has(keys, "ALL_VAL_MO") || has(keys, "GEN_VAL_MO") || has(keys, "CON_VAL_MO"))) return "census-json";
  if (has(keys, "company", "fiscal_period", "region", "revenue")) return "revenue-csv";
  if (has(keys, "reporter", "partner", "flow", "hs_code", "period", "value")) return "customs-csv";
  return null;
}

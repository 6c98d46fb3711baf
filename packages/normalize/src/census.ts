import { type Area, resolveCountry } from "@entrepot/reference";
import type { CustomsClean, RawRecord } from "@entrepot/schemas";
import { buildCustoms, type CustomsKeyParts, parseCommodity, parsePeriod } from "./customsRecord";
import { type FieldReader, fieldReader } from "./fields";
import { parseAmount, parseOptionalAmount } from "./numbers";
import { fail, type Normalized } from "./result";

/** Census schedule C names that differ from ISO/Comtrade spellings. */
const CENSUS_NAMES: Record<string, string> = {
  "KOREA, SOUTH": "KR",
  "KOREA, NORTH": "KP",
  BURMA: "MM",
  MACEDONIA: "MK",
};

/**
 * One row of the US Census international trade API (timeseries/intltrade/exports|imports/hs):
 * the JSON array of arrays, first row the field names. Reporter is the US; the flow is export
 * when the row has ALL_VAL_MO / E_COMMODITY, import when GEN_VAL_MO / CON_VAL_MO / I_COMMODITY.
 * `CTY_CODE` `-` (or empty) is the all-countries total, 4-digit codes starting with 0 and codes
 * with `X` (region totals) are groupings, kept as `GROUP:CENSUS-<code>`.
 */
export function normalizeCensus(raw: RawRecord): Normalized<CustomsClean> {
  const f = fieldReader(raw);
  const isImport = isCensusImport(f);
  const valueField = isImport ? (f.get("GEN_VAL_MO") !== undefined ? "GEN_VAL_MO" : "CON_VAL_MO") : "ALL_VAL_MO";
  if (f.get(valueField) === undefined) return fail("missing_field", `${valueField} is missing`, valueField);
  const key = censusKeyFields(f);
  if (!key.ok) return key;
  const value = parseAmount(f.get(valueField), valueField);
  if (!value.ok) return value;
  const qty = parseOptionalAmount(f.get(isImport ? "GEN_QY1_MO" : "QTY_1_MO"), "quantity");
  if (!qty.ok) return qty;
  const cif = parseOptionalAmount(f.get("GEN_CIF_MO"), "GEN_CIF_MO");
  if (!cif.ok) return cif;
  return buildCustoms(raw, {
    ...key.record,
    commodityText: f.get(isImport ? "I_COMMODITY_SDESC" : "E_COMMODITY_SDESC"),
    valueUsd: value.record,
    // Census export values are f.a.s. (free alongside ship), close to FOB; imports carry CIF separately
    cifUsd: isImport ? cif.record : undefined,
    fobUsd: isImport ? undefined : value.record,
    quantity: qty.record,
    quantityUnit: qty.record === undefined ? undefined : f.get("UNIT_QY1"),
  });
}

/** A Census row is an import when it has import values or an import commodity, else an export. */
function isCensusImport(f: FieldReader): boolean {
  return f.get("GEN_VAL_MO", "CON_VAL_MO", "I_COMMODITY") !== undefined;
}

/** The key fields of a Census row (`CustomsKeyParts`: reporter US), or the first problem among them; nothing about its figures. */
export function censusKeyFields(f: FieldReader): Normalized<CustomsKeyParts> {
  const isImport = isCensusImport(f);
  const ctyCode = f.get("CTY_CODE") ?? "";
  const ctyName = f.get("CTY_NAME") ?? "";
  let partner: Area | null;
  if (ctyCode === "" || ctyCode === "-") partner = { kind: "group", id: "GROUP:WORLD", name: "World", flags: [] };
  else if (/^0\d{3}$/.test(ctyCode) || /X/i.test(ctyCode)) {
    partner = { kind: "group", id: `GROUP:CENSUS-${ctyCode.toUpperCase()}`, name: ctyName || ctyCode, flags: [] };
  } else {
    const alias = CENSUS_NAMES[ctyName.toUpperCase()];
    partner = alias ? resolveCountry(alias) : resolveCountry(ctyName);
  }
  if (!partner) return fail("unknown_country", `Census country ${ctyCode} "${ctyName}" is not a known country`, "CTY_NAME");
  const reporter = resolveCountry("US") as Area;
  const commodityText = isImport ? f.get("I_COMMODITY") : f.get("E_COMMODITY");
  const commodity = commodityText ? parseCommodity(commodityText) : parseCommodity("TOTAL");
  if (!commodity.ok) return commodity;
  const period = parsePeriod(f.get("time") || (f.get("YEAR") && f.get("MONTH") ? `${f.get("YEAR")}-${f.get("MONTH")}` : undefined));
  if (!period.ok) return period;
  return {
    ok: true,
    record: {
      classification: "HS",
      reporter,
      partner,
      flow: isImport ? "import" : "export",
      commodity: commodity.record,
      period: period.record,
    },
  };
}

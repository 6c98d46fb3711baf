import { type Area, resolveComtradeCode, resolveCountry } from "@entrepot/reference";
import type { CustomsClean, RawRecord } from "@entrepot/schemas";
import { buildCustoms, type CustomsKeyParts, parseAsOf, parseCommodity, parseFlow, parsePeriod } from "./customsRecord";
import { type FieldReader, fieldReader } from "./fields";
import { parseOptionalAmount } from "./numbers";
import { fail, type Normalized } from "./result";

const isTrue = (v: string | undefined) => /^(true|1)$/i.test((v ?? "").trim());

/** A Comtrade country by its code (Comtrade numeric), else its ISO alpha-3 column, else its description. */
function area(f: FieldReader, role: string, codeField: string, isoField: string, descField: string): Normalized<Area | undefined> {
  const code = f.get(codeField);
  if (code) {
    const a = resolveComtradeCode(code);
    if (a) return { ok: true, record: a };
    return fail("unknown_country", `${role} code "${code}" is not a known Comtrade country or area code`, codeField);
  }
  for (const name of [isoField, descField]) {
    const text = f.get(name);
    if (text) {
      const a = resolveCountry(text);
      if (a) return { ok: true, record: a };
      return fail("unknown_country", `${role} "${text}" is not a known country`, name);
    }
  }
  return { ok: true, record: undefined };
}

/** Code, ISO and description columns of one role. */
type AreaColumns = readonly [code: string, iso: string, desc: string];

/** Reporter and partner (required: a missing one is named by its code column) and the optional second partner of a Comtrade row. */
function comtradeAreas(
  f: FieldReader,
  columns: Record<"reporter" | "partner" | "partner2", AreaColumns>,
): Normalized<{ reporter: Area; partner: Area; partner2: Area | undefined }> {
  const reporter = required(area(f, "reporter", ...columns.reporter), columns.reporter[0]);
  if (!reporter.ok) return reporter;
  const partner = required(area(f, "partner", ...columns.partner), columns.partner[0]);
  if (!partner.ok) return partner;
  const partner2 = area(f, "partner2", ...columns.partner2);
  if (!partner2.ok) return partner2;
  return { ok: true, record: { reporter: reporter.record, partner: partner.record, partner2: partner2.record } };
}

function required<T>(r: Normalized<T | undefined>, field: string): Normalized<T> {
  if (!r.ok) return r;
  if (r.record === undefined) return fail("missing_field", `${field} is missing or empty`, field);
  return { ok: true, record: r.record };
}

function amounts(f: FieldReader, names: Record<string, string[]>): Normalized<Record<string, number | undefined>> {
  const out: Record<string, number | undefined> = {};
  for (const [key, candidates] of Object.entries(names)) {
    const field = candidates.find((c) => f.get(c) !== undefined) ?? candidates[0] ?? key;
    const n = parseOptionalAmount(f.get(...candidates), field);
    if (!n.ok) return n;
    out[key] = n.record;
  }
  return { ok: true, record: out };
}

/**
 * UN Comtrade current layout (data portal CSV and API JSON `data[]`): typeCode, freqCode,
 * refYear, refMonth, period, reporterCode, flowCode, partnerCode, partner2Code,
 * classificationCode, cmdCode, customsCode, motCode, qty, netWgt, cifvalue, fobvalue,
 * primaryValue, ... Codes are Comtrade numerics (842 = USA, 490 = Taiwan, flagged).
 */
export function normalizeComtrade(raw: RawRecord): Normalized<CustomsClean> {
  const f = fieldReader(raw);
  const key = comtradeKeyFields(f);
  if (!key.ok) return key;
  const { flow } = key.record;
  const n = amounts(f, {
    primary: ["primaryValue"],
    cif: ["cifvalue"],
    fob: ["fobvalue"],
    qty: ["qty"],
    netWgt: ["netWgt"],
    grossWgt: ["grossWgt"],
  });
  if (!n.ok) return n;
  const value = n.record.primary ?? (flow.endsWith("import") ? n.record.cif : n.record.fob) ?? n.record.cif ?? n.record.fob;
  if (value === undefined) return fail("missing_field", "primaryValue, cifvalue and fobvalue are all empty", "primaryValue");
  const asOf = parseAsOf(f.get("releaseDate", "lastReleased", "reported_at", "as_of"), "releaseDate");
  if (!asOf.ok) return asOf;
  const qtyUnitCode = f.get("qtyUnitCode");
  const hasQty = qtyUnitCode !== "-1" && n.record.qty !== undefined;
  const flags: string[] = [];
  if (hasQty && isTrue(f.get("isQtyEstimated"))) flags.push("estimated_quantity");
  if (n.record.netWgt !== undefined && isTrue(f.get("isNetWgtEstimated"))) flags.push("estimated_net_weight");
  if (f.has("isReported") && !isTrue(f.get("isReported"))) flags.push("not_reported_estimated");
  return buildCustoms(raw, {
    ...key.record,
    commodityText: f.get("cmdDesc"),
    valueUsd: value,
    cifUsd: n.record.cif,
    fobUsd: n.record.fob,
    quantity: hasQty ? n.record.qty : undefined,
    quantityUnit: hasQty ? f.get("qtyUnitAbbr") || qtyUnitCode : undefined,
    netWeightKg: n.record.netWgt,
    grossWeightKg: n.record.grossWgt,
    flags,
    asOf: asOf.record,
  });
}

/**
 * UN Comtrade legacy bulk/API CSV: Classification, Year, Period, Trade Flow Code, Reporter Code,
 * Reporter ISO, Partner Code, Partner ISO, [2nd Partner Code, Customs Proc. Code, Mode of
 * Transport Code,] Commodity Code, Qty Unit Code, Qty, Netweight (kg), Trade Value (US$),
 * [CIF Trade Value, FOB Trade Value], Flag. Header spellings vary (`TradeFlow Code`, `Netweightkg`).
 */
export function normalizeComtradeLegacy(raw: RawRecord): Normalized<CustomsClean> {
  const f = fieldReader(raw);
  const key = comtradeLegacyKeyFields(f);
  if (!key.ok) return key;
  const n = amounts(f, {
    value: ["Trade Value (US$)", "Trade Value"],
    cif: ["CIF Trade Value (US$)", "CIF Trade Value"],
    fob: ["FOB Trade Value (US$)", "FOB Trade Value"],
    qty: ["Qty"],
    netWgt: ["Netweight (kg)"],
    grossWgt: ["Gross weight (kg)"],
  });
  if (!n.ok) return n;
  const value = n.record.value ?? n.record.cif ?? n.record.fob;
  if (value === undefined) return fail("missing_field", "Trade Value (US$) is missing or empty", "Trade Value (US$)");
  const qtyUnit = f.get("Qty Unit");
  const hasQty = n.record.qty !== undefined && !/^no quantity$/i.test(qtyUnit ?? "");
  return buildCustoms(raw, {
    ...key.record,
    commodityText: f.get("Commodity"),
    valueUsd: value,
    cifUsd: n.record.cif,
    fobUsd: n.record.fob,
    quantity: hasQty ? n.record.qty : undefined,
    quantityUnit: hasQty ? qtyUnit || f.get("Qty Unit Code") : undefined,
    netWeightKg: n.record.netWgt,
    grossWeightKg: n.record.grossWgt,
    flags: f.has("Flag") && f.get("Flag") !== "0" ? [`comtrade_flag_${f.get("Flag")}`] : [],
  });
}

/** The key fields of a current Comtrade row (`CustomsKeyParts`), or the first problem among them; nothing about its figures. */
export function comtradeKeyFields(f: FieldReader): Normalized<CustomsKeyParts> {
  const areas = comtradeAreas(f, {
    reporter: ["reporterCode", "reporterISO", "reporterDesc"],
    partner: ["partnerCode", "partnerISO", "partnerDesc"],
    partner2: ["partner2Code", "partner2ISO", "partner2Desc"],
  });
  if (!areas.ok) return areas;
  if (!f.has("flowCode") && !f.has("flowDesc")) return fail("missing_field", "flowCode is missing or empty", "flowCode");
  const flow = parseFlow(f.get("flowCode") || f.get("flowDesc"));
  if (!flow.ok) return flow;
  if (!f.has("cmdCode")) return fail("missing_field", "cmdCode is missing or empty", "cmdCode");
  const commodity = parseCommodity(f.get("cmdCode"));
  if (!commodity.ok) return commodity;
  const periodText =
    f.get("period") || (f.get("refMonth") === "52" ? f.get("refYear") : `${f.get("refYear")}${(f.get("refMonth") ?? "").padStart(2, "0")}`);
  const period = parsePeriod(periodText);
  if (!period.ok) return period;
  const customs = f.get("customsCode");
  const mot = f.get("motCode");
  return {
    ok: true,
    record: {
      ...areas.record,
      classification: f.get("classificationCode") || "HS",
      flow: flow.record,
      commodity: commodity.record,
      period: period.record,
      customsProcedure: customs && customs !== "C00" ? customs : undefined,
      modeOfTransport: mot && mot !== "0" ? mot : undefined,
    },
  };
}

/** The key fields of a legacy Comtrade row (`CustomsKeyParts`), or the first problem among them; nothing about its figures. */
export function comtradeLegacyKeyFields(f: FieldReader): Normalized<CustomsKeyParts> {
  const areas = comtradeAreas(f, {
    reporter: ["Reporter Code", "Reporter ISO", "Reporter"],
    partner: ["Partner Code", "Partner ISO", "Partner"],
    partner2: ["2nd Partner Code", "2nd Partner ISO", "2nd Partner"],
  });
  if (!areas.ok) return areas;
  const flowText = f.get("Trade Flow Code") || f.get("Trade Flow");
  if (!flowText) return fail("missing_field", "Trade Flow Code is missing or empty", "Trade Flow Code");
  const flow = parseFlow(flowText);
  if (!flow.ok) return flow;
  if (!f.has("Commodity Code")) return fail("missing_field", "Commodity Code is missing or empty", "Commodity Code");
  const commodity = parseCommodity(f.get("Commodity Code"));
  if (!commodity.ok) return commodity;
  const period = parsePeriod(f.get("Period") || f.get("Year"));
  if (!period.ok) return period;
  return {
    ok: true,
    record: {
      ...areas.record,
      classification: f.get("Classification") || "HS",
      flow: flow.record,
      commodity: commodity.record,
      period: period.record,
      customsProcedure: f.get("Customs Proc. Code") || undefined,
      modeOfTransport: f.get("Mode of Transport Code") || undefined,
    },
  };
}

import { resolveCountry, type Scale, toUsd } from "@entrepot/reference";
import type { CustomsClean, RawRecord } from "@entrepot/schemas";
import { buildCustoms, type CustomsKeyParts, parseAsOf, parseCommodity, parseFlow, parsePeriod } from "./customsRecord";
import { type FieldReader, fieldReader } from "./fields";
import { parseAmount, parseOptionalAmount, parseScaleName } from "./numbers";
import { fail, type Normalized } from "./result";

export interface CustomsOptions {
  /** FX rates to USD by ISO 4217 code (USD is always 1) */
  fxToUsd?: Record<string, number>;
}

/**
 * Canonical customs row: required `reporter`, `partner` (ISO code or country name), `flow`,
 * `hs_code`, `period`, `value`; optional `currency`, `scale`, `quantity`, `quantity_unit`,
 * `net_weight_kg`, `cif_value`, `fob_value`, `partner2`, `customs_procedure`,
 * `mode_of_transport`, `classification`, `source`, `reported_at`.
 */
const REQUIRED = ["reporter", "partner", "flow", "hs_code", "period", "value"] as const;
/** the optional amounts, in the order their problems are reported */
const AMOUNTS = ["cif_value", "fob_value", "quantity", "net_weight_kg"] as const;

/** An amount in USD, undefined when absent, null when the currency has no rate. */
function usd(amount: number | undefined, currency: string, scale: Scale, fx: CustomsOptions["fxToUsd"]): number | null | undefined {
  return amount === undefined ? undefined : toUsd(amount, currency, scale, fx);
}

export function normalizeCanonicalCustoms(raw: RawRecord, options: CustomsOptions = {}): Normalized<CustomsClean> {
  const f = fieldReader(raw);
  for (const required of REQUIRED) {
    if (!f.has(required)) return fail("missing_field", `${required} is missing or empty`, required);
  }
  const key = canonicalCustomsKeyFields(f);
  if (!key.ok) return key;

  const value = parseAmount(f.get("value"), "value");
  if (!value.ok) return value;
  if (value.record < 0) return fail("negative_value", `value ${f.get("value")} is negative`, "value");
  const scale = parseScaleName(f.get("scale"));
  if (!scale.ok) return scale;
  const currency = f.get("currency") || "USD";
  const valueUsd = toUsd(value.record, currency, scale.record, options.fxToUsd);
  if (valueUsd === null) return fail("bad_currency", `currency "${currency}" has no USD rate configured`, "currency");

  const optional: (number | undefined)[] = [];
  for (const name of AMOUNTS) {
    const n = parseOptionalAmount(f.get(name), name);
    if (!n.ok) return n;
    optional.push(n.record);
  }
  const [cif, fob, quantity, netWeightKg] = optional;
  const asOf = parseAsOf(f.get("reported_at", "as_of"), "reported_at");
  if (!asOf.ok) return asOf;

  return buildCustoms(raw, {
    ...key.record,
    commodityText: f.get("commodity", "description"),
    valueUsd,
    cifUsd: usd(cif, currency, scale.record, options.fxToUsd) ?? undefined,
    fobUsd: usd(fob, currency, scale.record, options.fxToUsd) ?? undefined,
    quantity,
    quantityUnit: f.get("quantity_unit"),
    netWeightKg,
    asOf: asOf.record,
    source: f.get("source"),
  });
}

/** The key fields of a canonical customs row (`CustomsKeyParts`), or the first problem among them; nothing about its figures. */
export function canonicalCustomsKeyFields(f: FieldReader): Normalized<CustomsKeyParts> {
  const reporterText = f.get("reporter") ?? "";
  const reporter = resolveCountry(reporterText);
  if (!reporter) return fail("unknown_country", `reporter "${reporterText}" is not a known country code or name`, "reporter");
  const partnerText = f.get("partner") ?? "";
  const partner = resolveCountry(partnerText);
  if (!partner) return fail("unknown_country", `partner "${partnerText}" is not a known country code or name`, "partner");
  const partner2Text = f.get("partner2");
  const partner2 = partner2Text ? resolveCountry(partner2Text) : undefined;
  if (partner2 === null) return fail("unknown_country", `partner2 "${partner2Text}" is not a known country code or name`, "partner2");
  const flow = parseFlow(f.get("flow"));
  if (!flow.ok) return flow;
  const commodity = parseCommodity(f.get("hs_code"));
  if (!commodity.ok) return commodity;
  const period = parsePeriod(f.get("period"));
  if (!period.ok) return period;
  return {
    ok: true,
    record: {
      classification: f.get("classification") || "HS",
      reporter,
      partner,
      partner2,
      flow: flow.record,
      commodity: commodity.record,
      period: period.record,
      customsProcedure: f.get("customs_procedure"),
      modeOfTransport: f.get("mode_of_transport"),
    },
  };
}

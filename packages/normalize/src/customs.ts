import type { CustomsClean, RawRecord } from "@entrepot/schemas";
import { censusKeyFields, normalizeCensus } from "./census";
import { comtradeKeyFields, comtradeLegacyKeyFields, normalizeComtrade, normalizeComtradeLegacy } from "./comtrade";
import { type CustomsOptions, canonicalCustomsKeyFields, normalizeCanonicalCustoms } from "./customsCanonical";
import type { CustomsKeyParts } from "./customsRecord";
import type { FieldReader } from "./fields";
import type { Normalized } from "./result";

/** How one customs layout is read: the whole fact, and its key fields alone. */
interface CustomsLayout {
  normalize(raw: RawRecord, options: CustomsOptions): Normalized<CustomsClean>;
  keyFields(f: FieldReader): Normalized<CustomsKeyParts>;
}

/** customs-csv, customs JSON lines and mapped layouts all arrive with canonical field names */
const CANONICAL: CustomsLayout = { normalize: normalizeCanonicalCustoms, keyFields: canonicalCustomsKeyFields };

/** The layouts with their own field names, by the format a raw record's provenance names. */
const LAYOUTS = new Map<string, CustomsLayout>([
  ["comtrade", { normalize: (raw) => normalizeComtrade(raw), keyFields: comtradeKeyFields }],
  ["comtrade-legacy", { normalize: (raw) => normalizeComtradeLegacy(raw), keyFields: comtradeLegacyKeyFields }],
  ["census-json", { normalize: (raw) => normalizeCensus(raw), keyFields: censusKeyFields }],
]);

const layoutOf = (format: string): CustomsLayout => LAYOUTS.get(format) ?? CANONICAL;

/** Any customs raw record -> canonical customs fact, by the layout its provenance names. */
export function normalizeCustoms(raw: RawRecord, options: CustomsOptions = {}): Normalized<CustomsClean> {
  return layoutOf(raw.provenance.format).normalize(raw, options);
}

/** The key fields of any customs row, by the same layout `normalizeCustoms` picks: what its fact's key is made of. */
export function customsKeyFields(format: string, f: FieldReader): Normalized<CustomsKeyParts> {
  return layoutOf(format).keyFields(f);
}

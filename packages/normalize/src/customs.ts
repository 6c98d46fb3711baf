import type { CustomsClean, RawRecord } from "@entrepot/schemas";
import { censusKeyFields, normalizeCensus } from "./census";
import { comtradeKeyFields, comtradeLegacyKeyFields, normalizeComtrade, normalizeComtradeLegacy } from "./comtrade";
import { type CustomsOptions, canonicalCustomsKeyFields, normalizeCanonicalCustoms } from "./customsCanonical";
import type { CustomsKeyParts } from "./customsRecord";
import type { FieldReader } from "./fields";
import type { Normalized } from "./result";

/** Any customs raw record -> canonical customs fact, by the layout its provenance names. */
export function normalizeCustoms(raw: RawRecord, options: CustomsOptions = {}): Normalized<CustomsClean> {
  switch (raw.provenance.format) {
    case "comtrade":
      return normalizeComtrade(raw);
    case "comtrade-legacy":
      return normalizeComtradeLegacy(raw);
    case "census-json":
      return normalizeCensus(raw);
    default:
      // customs-csv, customs JSON lines and mapped layouts all arrive with canonical field names
      return normalizeCanonicalCustoms(raw, options);
  }
}

/** The key fields of any customs row, by the same layout `normalizeCustoms` picks: what its fact's key is made of. */
export function customsKeyFields(format: string, f: FieldReader): Normalized<CustomsKeyParts> {
  switch (format) {
    case "comtrade":
      return comtradeKeyFields(f);
    case "comtrade-legacy":
      return comtradeLegacyKeyFields(f);
    case "census-json":
      return censusKeyFields(f);
    default:
      return canonicalCustomsKeyFields(f);
  }
}

import type { CustomsClean, RawRecord } from "@entrepot/schemas";
import { normalizeCensus } from "./census";
import { normalizeComtrade, normalizeComtradeLegacy } from "./comtrade";
import { type CustomsOptions, normalizeCanonicalCustoms } from "./customsCanonical";
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

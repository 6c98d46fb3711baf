import { formatReportingPeriod } from "@entrepot/reference";
import { customsCleanKey, type RawRecord, rawRecordKey, revenueCleanKey } from "@entrepot/schemas";
import { customsKeyFields } from "./customs";
import { type CustomsKeyParts, distinguishedPartner2 } from "./customsRecord";
import { fieldReader } from "./fields";
import { type RevenueOptions, revenueBasis, revenueKeyFields } from "./revenue";

/**
 * The key of a raw record on its raw topic, so that every revision of one fact lands on one
 * partition and is decided, in file order, by the one normalizer that reads it: the natural key
 * of the clean fact the row normalizes to (`revenueCleanKey` / `customsCleanKey`, what the
 * revision gate and the compacted clean topics key it by), or `rawRecordKey` (`file:line`) for a
 * row whose key fields do not parse (the normalizer rejects it whatever its options).
 *
 * Only the key fields are read (layout, company / period / region / basis, reporter / partner /
 * flow / commodity / period / procedure / mode / classification), through the same steps the
 * normalizers read them with; never a figure, a currency or a date. So a row that normalizes gets
 * the clean record's key under any normalize options (FX rates the ingest does not have, fiscal
 * calendars), save `defaultBasis`, which is part of the key of a row without a `basis` and is
 * taken here as the normalizer would (the service never sets it: billing). A row that fails only
 * on its figures keeps its fact's key: whichever partition it is on, it is rejected.
 */
export function rawPartitionKey(raw: RawRecord, options: Pick<RevenueOptions, "defaultBasis"> = {}): string {
  try {
    return factKey(raw, options) ?? rawRecordKey(raw);
  } catch {
    // normalizeRecord turns the same unexpected error into a schema_violation dead letter: no fact, so file:line
    return rawRecordKey(raw);
  }
}

function factKey(raw: RawRecord, options: Pick<RevenueOptions, "defaultBasis">): string | undefined {
  const f = fieldReader(raw);
  if (raw.feed === "revenue") {
    const key = revenueKeyFields(f);
    if (!key.ok) return undefined;
    const basis = revenueBasis(f, options);
    if (!basis.ok) return undefined;
    const { company, period, region } = key.record;
    return revenueCleanKey({ company, fiscalPeriod: formatReportingPeriod(period), region: region.id, basis: basis.record });
  }
  const parts = customsKeyFields(raw.provenance.format, f);
  return parts.ok ? customsPartsKey(parts.record) : undefined;
}

/** `customsCleanKey` of the record `buildCustoms` assembles from these parts: a World partner2 and empty codes are "not distinguished". */
function customsPartsKey(p: CustomsKeyParts): string {
  return customsCleanKey({
    classification: p.classification,
    reporter: p.reporter.id,
    partner: p.partner.id,
    partner2: distinguishedPartner2(p.partner2),
    flow: p.flow,
    hsCode: p.commodity.hsCode,
    period: p.period.period,
    customsProcedure: p.customsProcedure || undefined,
    modeOfTransport: p.modeOfTransport || undefined,
  });
}

import { CustomsClean, type RawRecord, RevenueClean } from "@entrepot/schemas";
import { normalizeCustoms } from "./customs";
import type { CustomsOptions } from "./customsCanonical";
import { fail, type Normalized } from "./result";
import { normalizeRevenue, type RevenueOptions } from "./revenue";

export type CleanRecord = { feed: "revenue"; record: RevenueClean } | { feed: "customs"; record: CustomsClean };
export type NormalizeOptions = RevenueOptions & CustomsOptions;

/**
 * The one entry point every stage uses (normalizer worker, offline CLI): a raw record of either
 * feed -> a clean record that passed its zod schema, or a problem with a reason code. Never throws:
 * an unexpected error becomes a `schema_violation` problem carrying the error's message.
 */
export function normalizeRecord(raw: RawRecord, options: NormalizeOptions = {}): Normalized<CleanRecord> {
  try {
    if (raw.feed === "revenue") {
      const r = normalizeRevenue(raw, options);
      if (!r.ok) return r;
      const checked = RevenueClean.safeParse(r.record);
      if (!checked.success) return fail("schema_violation", `clean revenue record: ${checked.error.issues[0]?.message}`);
      return { ok: true, record: { feed: "revenue", record: r.record } };
    }
    const r = normalizeCustoms(raw, options);
    if (!r.ok) return r;
    const checked = CustomsClean.safeParse(r.record);
    if (!checked.success) {
      const issue = checked.error.issues[0];
      return fail("schema_violation", `clean customs record: ${issue?.path.join(".")}: ${issue?.message}`);
    }
    return { ok: true, record: { feed: "customs", record: r.record } };
  } catch (err) {
    return fail("schema_violation", `normalization failed unexpectedly: ${(err as Error).message}`);
  }
}

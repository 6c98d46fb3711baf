import { z } from "zod";
import { Provenance } from "./provenance";

/** The one documented list of reasons a record is rejected (docs/reason-codes.md). */
export const ReasonCode = z.enum([
  "missing_field",
  "bad_number",
  "negative_value",
  "bad_period",
  "bad_fiscal_period",
  "unknown_country",
  "unknown_region",
  "bad_hs_code",
  "bad_flow",
  "bad_currency",
  "bad_scale",
  "bad_basis",
  "bad_date",
  "column_count",
  "record_too_large",
  "bad_encoding",
  "csv_parse_error",
  "bad_json",
  "schema_violation",
  "unknown_format",
  "stale_revision",
  "duplicate_column",
  "binary_data",
]);
export type ReasonCode = z.infer<typeof ReasonCode>;

export const Stage = z.enum(["ingest", "normalize", "detect", "notify"]);
export type Stage = z.infer<typeof Stage>;

export const Rejection = z.object({
  schemaVersion: z.literal(1),
  stage: Stage,
  reason: ReasonCode,
  /** one sentence a person understands: which field, what value, what was expected */
  message: z.string().min(1),
  field: z.string().optional(),
  /** the record as received: raw fields or raw text */
  raw: z.unknown(),
  provenance: Provenance.partial().optional(),
  rejectedAt: z.string(),
});
export type Rejection = z.infer<typeof Rejection>;

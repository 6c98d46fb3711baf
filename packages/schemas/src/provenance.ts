import { z } from "zod";

export const Feed = z.enum(["revenue", "customs"]);
export type Feed = z.infer<typeof Feed>;

/** Where a record came from: enough to find the exact line again. */
export const Provenance = z.object({
  source: z.string().min(1),
  file: z.string().min(1),
  /** 1-based physical line where the record starts (header is line 1) */
  line: z.number().int().nonnegative(),
  ingestRun: z.string().min(1),
  format: z.string().min(1),
});
export type Provenance = z.infer<typeof Provenance>;

/** A record as read from a feed: field values as text, untouched. */
export const RawRecord = z.object({
  schemaVersion: z.literal(1),
  feed: Feed,
  provenance: Provenance,
  fields: z.record(z.string(), z.string()),
});
export type RawRecord = z.infer<typeof RawRecord>;

export function rawRecordKey(r: Pick<RawRecord, "provenance">): string {
  return `${r.provenance.file}:${r.provenance.line}`;
}

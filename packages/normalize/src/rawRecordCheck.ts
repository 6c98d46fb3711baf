import type { Provenance, RawRecord } from "@entrepot/schemas";

const isText = (v: unknown): v is string => typeof v === "string" && v.length > 0;
const isMap = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * A decoded JSON value that is plainly a raw record -> the record `RawRecord.parse` would give
 * (the same keys in the same order, provenance's unknown keys left out), without its general
 * machinery and without copying the fields; anything else -> undefined, and the caller parses it
 * with `RawRecord` (which says what is wrong). Every raw message goes through this check, so it
 * only accepts what the schema certainly accepts: an own `__proto__` field, for one, is left to it.
 */
export function plainRawRecord(json: unknown): RawRecord | undefined {
  if (!isMap(json) || json.schemaVersion !== 1) return undefined;
  const feed = json.feed;
  if (feed !== "revenue" && feed !== "customs") return undefined;
  const p = json.provenance;
  if (!isMap(p) || !isText(p.source) || !isText(p.file) || !isText(p.ingestRun) || !isText(p.format)) return undefined;
  const line = p.line;
  if (typeof line !== "number" || !Number.isSafeInteger(line) || line < 0) return undefined;
  const fields = json.fields;
  if (!isMap(fields) || Object.getPrototypeOf(fields) !== Object.prototype) return undefined;
  for (const k in fields) {
    if (k === "__proto__" || typeof fields[k] !== "string") return undefined;
  }
  const provenance: Provenance = { source: p.source, file: p.file, line, ingestRun: p.ingestRun, format: p.format };
  return { schemaVersion: 1, feed, provenance, fields: fields as Record<string, string> };
}

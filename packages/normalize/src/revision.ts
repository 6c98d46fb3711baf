import { createHash } from "node:crypto";
import type { CustomsClean, RevenueClean } from "@entrepot/schemas";

/** What the pipeline last published for a natural key: its `asOf` and a fingerprint of its content. */
export interface SeenRevision {
  asOf: string;
  fingerprint: string;
}

export type RevisionDecision =
  /** first time this key is seen */
  | "new"
  /** a newer (or equally dated but different) figure: replaces the old one */
  | "revision"
  /** the same figure again: changes nothing downstream */
  | "duplicate"
  /** older than what was published: ignored and counted */
  | "stale";

/**
 * JSON text with object keys sorted at every depth: the same text for the same content whatever
 * the order its keys were built in. Written out (not `JSON.stringify` of a sorted copy) because it
 * runs once per record in the normalizer; it gives exactly the text `JSON.stringify` would give
 * for the sorted copy (undefined members left out, undefined in arrays as null, non-finite numbers
 * as null), so fingerprints already stored stay valid (`revision.test.ts` checks it).
 */
export function stableJson(value: unknown): string {
  if (value === null) return "null";
  switch (typeof value) {
    case "string":
      return JSON.stringify(value);
    case "number":
      return Number.isFinite(value) ? String(value) : "null";
    case "boolean":
      return value ? "true" : "false";
    case "object":
      break;
    default:
      return JSON.stringify(value) ?? "null";
  }
  if (Array.isArray(value)) {
    let out = "[";
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out += ",";
      const item: unknown = value[i];
      out += item === undefined || typeof item === "function" || typeof item === "symbol" ? "null" : stableJson(item);
    }
    return `${out}]`;
  }
  const record = value as Record<string, unknown>;
  let out = "{";
  let first = true;
  for (const k of sortedKeys(record)) {
    const v = record[k];
    if (v === undefined || typeof v === "function" || typeof v === "symbol") continue;
    out += `${first ? "" : ","}${JSON.stringify(k)}:${stableJson(v)}`;
    first = false;
  }
  return `${out}}`;
}

const ARRAY_INDEX = /^(?:0|[1-9]\d{0,9})$/;
const isArrayIndex = (k: string) => ARRAY_INDEX.test(k) && Number(k) < 2 ** 32 - 1;

/**
 * Keys sorted as an object rebuilt from sorted keys enumerates them: array-index keys ("0", "10")
 * first in numeric order (the language's own property order), then the others sorted.
 */
function sortKeys(keys: string[]): string[] {
  keys.sort();
  if (!keys.some(isArrayIndex)) return keys;
  const indices = keys.filter(isArrayIndex).sort((a, b) => Number(a) - Number(b));
  return [...indices, ...keys.filter((k) => !isArrayIndex(k))];
}

/** sorted key lists by the keys in their own order: records of one kind share a few shapes (bounded) */
const sortedByShape = new Map<string, readonly string[]>();
const SHAPE_CACHE = 1024;

function sortedKeys(record: Record<string, unknown>): readonly string[] {
  const keys = Object.keys(record);
  if (keys.length < 4) return sortKeys(keys);
  const shape = keys.join("\u0000");
  let sorted = sortedByShape.get(shape);
  if (sorted === undefined) {
    sorted = sortKeys([...keys]);
    if (sortedByShape.size >= SHAPE_CACHE) sortedByShape.clear();
    sortedByShape.set(shape, sorted);
  }
  return sorted;
}

/**
 * A fingerprint of a clean record's content: every field but provenance (where and when it was
 * read does not make it a different figure), keys sorted.
 */
export function revisionFingerprint(record: RevenueClean | CustomsClean): string {
  const { provenance: _provenance, ...content } = record;
  return createHash("sha256").update(stableJson(content)).digest("base64url").slice(0, 22);
}

/**
 * Bitemporal revision rule: a later `asOf` replaces, an earlier one is stale, the same `asOf`
 * with the same content is a duplicate, the same `asOf` with different content replaces (the
 * last one read wins, as the detector's stores do).
 */
export function decideRevision(prev: SeenRevision | undefined, next: SeenRevision): RevisionDecision {
  if (!prev) return "new";
  if (next.asOf < prev.asOf) return "stale";
  if (next.fingerprint === prev.fingerprint) return "duplicate";
  return "revision";
}

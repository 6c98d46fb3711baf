import { hash } from "node:crypto";
import type { CustomsClean, RevenueClean } from "@entrepot/schemas";
import { LastShape } from "./lastShape";

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

/** A copy of `from`'s `keys` (each value copied the same way) into a plain object, in that order. */
function copyKeys(from: Record<string, unknown>, keys: readonly string[], skip?: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of keys) {
    if (k === skip) continue;
    const v = sortedCopy(from[k]);
    // an own "__proto__" key stays a key (assigning it would set the copy's prototype)
    if (k === "__proto__") Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
    else out[k] = v;
  }
  return out;
}

/** `value` with every object's keys in sorted order (arrays keep theirs). */
function sortedCopy(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedCopy);
  if (value === null || typeof value !== "object") return value;
  return copyKeys(value as Record<string, unknown>, Object.keys(value).sort());
}

/** a clean record's keys sorted (the facts of a batch have a few shapes: sorted once per run of one shape) */
const sortedKeys = new LastShape((keys) => [...keys].sort());

/**
 * A fingerprint of a clean record's content: every field but provenance (where and when it was
 * read does not make it a different figure), keys sorted: the first 22 characters of the
 * base64url SHA-256 of that JSON. Computed for every fact the stage decides on: the sorted copy
 * is built with plain loops, in the key order of the last fact of the same shape, and hashed in
 * one call (not `Object.fromEntries` of sorted entries and a Hash object, which cost half as much
 * again per fact).
 */
export function revisionFingerprint(record: RevenueClean | CustomsClean): string {
  const content = copyKeys(record, sortedKeys.of(Object.keys(record)), "provenance");
  return hash("sha256", JSON.stringify(content), "base64url").slice(0, 22);
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

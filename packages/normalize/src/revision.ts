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

function stable(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stable);
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, stable((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

/**
 * A fingerprint of a clean record's content: every field but provenance (where and when it was
 * read does not make it a different figure), keys sorted.
 */
export function revisionFingerprint(record: RevenueClean | CustomsClean): string {
  const { provenance: _provenance, ...content } = record;
  return createHash("sha256")
    .update(JSON.stringify(stable(content)))
    .digest("base64url")
    .slice(0, 22);
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

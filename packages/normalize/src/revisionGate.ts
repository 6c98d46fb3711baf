import { customsCleanKey, type Feed, revenueCleanKey } from "@entrepot/schemas";
import type { CleanRecord } from "./normalizeRecord";
import { decideRevision, type RevisionDecision, revisionFingerprint, type SeenRevision } from "./revision";
import type { RevisionStore } from "./revisionStore";

/** The compaction key of a clean record on its clean topic. */
export function naturalKey(fact: CleanRecord): string {
  return fact.feed === "revenue" ? revenueCleanKey(fact.record) : customsCleanKey(fact.record);
}

/**
 * Decides, for a batch of clean facts in order, which ones go to the compacted clean topics: new
 * keys and revisions do; duplicates and stale revisions do not. Earlier facts of the same batch
 * count as published for later ones. `commit()` records what was published, after it was.
 *
 * One batch at a time: each `decide()` starts a new batch, so `commit()` records the revisions of
 * the last `decide()` only. A batch whose outputs failed (never committed) is forgotten, and when
 * it is consumed again its facts are still new, not duplicates of revisions never published.
 */
export class RevisionGate {
  /** the revisions the current batch publishes, recorded by `commit()` */
  private readonly pending = new Map<Feed, Map<string, SeenRevision>>();

  constructor(private readonly store: RevisionStore) {}

  async decide(facts: readonly CleanRecord[]): Promise<{ decision: RevisionDecision; key: string; previousAsOf?: string }[]> {
    this.pending.clear();
    const keysByFeed = new Map<Feed, string[]>();
    const keyed = facts.map((f) => ({ fact: f, key: naturalKey(f) }));
    for (const { fact, key } of keyed) {
      const keys = keysByFeed.get(fact.feed);
      if (keys) keys.push(key);
      else keysByFeed.set(fact.feed, [key]);
    }
    const seen = new Map<Feed, Map<string, SeenRevision>>();
    for (const [feed, keys] of keysByFeed) seen.set(feed, await this.store.get(feed, [...new Set(keys)]));
    return keyed.map(({ fact, key }) => {
      const known = seen.get(fact.feed) as Map<string, SeenRevision>;
      const next = { asOf: fact.record.asOf, fingerprint: revisionFingerprint(fact.record) };
      const prev = known.get(key);
      const decision = decideRevision(prev, next);
      if (decision === "new" || decision === "revision") {
        known.set(key, next);
        const p = this.pending.get(fact.feed) ?? new Map<string, SeenRevision>();
        this.pending.set(fact.feed, p);
        p.set(key, next);
      }
      return prev ? { decision, key, previousAsOf: prev.asOf } : { decision, key };
    });
  }

  /** Records the published revisions in the store. Call after the outputs were acknowledged. */
  async commit(): Promise<void> {
    for (const [feed, entries] of this.pending) await this.store.raise(feed, entries);
    this.pending.clear();
  }
}

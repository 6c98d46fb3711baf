import { customsCleanKey, type Feed, revenueCleanKey } from "@entrepot/schemas";
import type { CleanRecord } from "./normalizeRecord";
import { decideRevision, type RevisionDecision, revisionFingerprint, type SeenRevision } from "./revision";
import type { RevisionStore } from "./revisionStore";

/** The compaction key of a clean record on its clean topic. */
export function naturalKey(fact: CleanRecord): string {
  return fact.feed === "revenue" ? revenueCleanKey(fact.record) : customsCleanKey(fact.record);
}

/** The revisions one batch publishes, by feed: what `RevisionGate.commit` records. */
export type PendingRevisions = Map<Feed, Map<string, SeenRevision>>;

/** A fact and its natural key. */
export interface KeyedFact {
  fact: CleanRecord;
  key: string;
}

/**
 * Decides, for a batch of clean facts in order, which ones go to the compacted clean topics: new
 * keys and revisions do; duplicates and stale revisions do not. Earlier facts of the same batch
 * count as published for later ones. `commit(pending)` records what a batch published, after it was.
 *
 * Each `decide()` returns its batch's pending revisions: a batch whose outputs failed is never
 * committed, so when it is consumed again its facts are still new, not duplicates of revisions
 * never published.
 */
export class RevisionGate {
  constructor(private readonly store: RevisionStore) {}

  async decide(
    keyed: readonly KeyedFact[],
  ): Promise<{ decisions: { decision: RevisionDecision; key: string; previousAsOf?: string }[]; pending: PendingRevisions }> {
    const pending: PendingRevisions = new Map();
    const keysByFeed = new Map<Feed, string[]>();
    for (const { fact, key } of keyed) {
      const keys = keysByFeed.get(fact.feed);
      if (keys) keys.push(key);
      else keysByFeed.set(fact.feed, [key]);
    }
    const seen = new Map<Feed, Map<string, SeenRevision>>();
    for (const [feed, keys] of keysByFeed) seen.set(feed, await this.store.get(feed, [...new Set(keys)]));
    const decisions = keyed.map(({ fact, key }) => {
      const known = seen.get(fact.feed) as Map<string, SeenRevision>;
      const next = { asOf: fact.record.asOf, fingerprint: revisionFingerprint(fact.record) };
      const prev = known.get(key);
      const decision = decideRevision(prev, next);
      if (decision === "new" || decision === "revision") {
        known.set(key, next);
        const p = pending.get(fact.feed) ?? new Map<string, SeenRevision>();
        pending.set(fact.feed, p);
        p.set(key, next);
      }
      return prev ? { decision, key, previousAsOf: prev.asOf } : { decision, key };
    });
    return { decisions, pending };
  }

  /** Records a batch's published revisions in the store. Call after its outputs were acknowledged. */
  async commit(pending: PendingRevisions): Promise<void> {
    for (const [feed, entries] of pending) await this.store.raise(feed, entries);
  }
}

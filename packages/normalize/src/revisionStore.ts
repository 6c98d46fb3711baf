import type { Feed } from "@entrepot/schemas";
import type { SeenRevision } from "./revision";

/** The latest revision published per natural key, shared by every normalizer instance. */
export interface RevisionStore {
  get(feed: Feed, keys: readonly string[]): Promise<Map<string, SeenRevision>>;
  /** records what was published; never lowers a key's `asOf` (another instance may have raised it) */
  raise(feed: Feed, entries: ReadonlyMap<string, SeenRevision>): Promise<void>;
}

/** In-process store: the offline commands (`entrepot normalize`, `entrepot analyze`) and single-process runs. */
export class MemoryRevisionStore implements RevisionStore {
  private readonly maps = new Map<Feed, Map<string, SeenRevision>>();
  private map(feed: Feed) {
    const m = this.maps.get(feed) ?? new Map<string, SeenRevision>();
    this.maps.set(feed, m);
    return m;
  }
  async get(feed: Feed, keys: readonly string[]): Promise<Map<string, SeenRevision>> {
    const m = this.map(feed);
    return new Map(keys.flatMap((k) => (m.has(k) ? [[k, m.get(k) as SeenRevision] as const] : [])));
  }
  async raise(feed: Feed, entries: ReadonlyMap<string, SeenRevision>): Promise<void> {
    const m = this.map(feed);
    for (const [k, s] of entries) {
      const cur = m.get(k);
      if (!cur || s.asOf >= cur.asOf) m.set(k, s);
    }
  }
}

/**
 * Locks on keys within one process: a holder of some keys makes every later acquirer of any of
 * them wait until it releases. When batches of several partitions are normalized at once, a
 * fact's revisions can sit in different partitions (raw records are keyed by file and line), so a
 * batch holds its facts' natural keys from its revision decisions until its outputs are written
 * and recorded: the next batch with one of those keys decides against what the first published.
 * No deadlock: an acquirer waits only for holders, and takes all its keys at once.
 */
export class KeyLocks {
  private readonly holders = new Map<string, Promise<void>>();

  /** Waits until none of `keys` is held, takes them all, and returns their release (idempotent). */
  async acquire(keys: Iterable<string>): Promise<() => void> {
    const wanted = [...new Set(keys)];
    for (;;) {
      const busy = new Set<Promise<void>>();
      for (const k of wanted) {
        const held = this.holders.get(k);
        if (held) busy.add(held);
      }
      if (busy.size === 0) break;
      await Promise.all(busy);
    }
    let done!: () => void;
    const released = new Promise<void>((resolve) => {
      done = resolve;
    });
    for (const k of wanted) this.holders.set(k, released);
    return () => {
      for (const k of wanted) if (this.holders.get(k) === released) this.holders.delete(k);
      done();
    };
  }

  /** keys held now */
  get size(): number {
    return this.holders.size;
  }
}

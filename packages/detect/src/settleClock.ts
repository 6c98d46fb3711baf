/** A scope the clock says is due, and when its first new fact (not yet evaluated) arrived. */
export interface DueScope {
  scope: string;
  firstTouched: number;
}

/**
 * When the detector evaluates a scope it has new facts for (pure: the caller gives the time in ms).
 * A scope is due once no new fact touched it for `settleMs` (a filing whose rows arrive over
 * several batches is judged whole, not region by region) and the consumer has caught up with its
 * input (a backlog is judged once, whole); at the latest `maxDeferMs` after its first new fact,
 * caught up or not. Each scope settles on its own: a steady stream of other companies' facts
 * does not hold a quiet company back.
 */
export class SettleClock {
  private readonly touched = new Map<string, { first: number; last: number }>();

  constructor(
    private readonly settleMs: number,
    private readonly maxDeferMs: number,
  ) {}

  /** New facts for these scopes at `now`. */
  touch(scopes: Iterable<string>, now: number): void {
    for (const scope of scopes) {
      const t = this.touched.get(scope);
      if (t) t.last = now;
      else this.touched.set(scope, { first: now, last: now });
    }
  }

  get pending(): number {
    return this.touched.size;
  }

  /**
   * The scopes due at `now`, forgotten by the clock (the caller evaluates them), in the order they
   * were first touched, each with the time of its first new fact.
   */
  due(now: number, caughtUp: boolean): DueScope[] {
    const out: DueScope[] = [];
    for (const [scope, t] of this.touched) {
      const settled = now - t.last >= this.settleMs;
      if ((settled && caughtUp) || now - t.first >= this.maxDeferMs) out.push({ scope, firstTouched: t.first });
    }
    for (const { scope } of out) this.touched.delete(scope);
    return out;
  }

  /**
   * Milliseconds from `now` until `due` may return something (undefined: nothing pending). A scope
   * already settled but held back by a consumer still behind is looked at again after `settleMs`
   * (whether the consumer caught up is known only by asking), or at its deadline if sooner.
   */
  nextWake(now: number): number | undefined {
    let wake: number | undefined;
    for (const t of this.touched.values()) {
      const settledAt = t.last + this.settleMs;
      const deadline = t.first + this.maxDeferMs;
      const at = Math.min(settledAt > now ? settledAt : now + this.settleMs, deadline);
      wake = wake === undefined ? at : Math.min(wake, at);
    }
    return wake === undefined ? undefined : Math.max(0, wake - now);
  }
}

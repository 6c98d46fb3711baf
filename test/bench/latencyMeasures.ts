/** The nearest-rank percentile `p` (0..100) of an ascending sample; NaN for an empty one. */
export function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

export interface Distribution {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export function distribution(values: readonly number[]): Distribution {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    count: sorted.length,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted.at(-1) ?? Number.NaN,
  };
}

/** `p50 / p95 / p99 / max` in ms, for a report's table */
export function formatDistribution(d: Distribution): string {
  return d.count === 0 ? "none measured" : `${d.p50} / ${d.p95} / ${d.p99} / ${d.max}`;
}

/**
 * The Kafka timestamps of every version of each clean record (by its message key, the key an
 * alert's `evidence` lists), to find what the detector could have read when it raised an alert.
 */
export class CleanVersions {
  private readonly byKey = new Map<string, number[]>();

  add(key: string, timestamp: number): void {
    const list = this.byKey.get(key);
    if (list) list.push(timestamp);
    else this.byKey.set(key, [timestamp]);
  }

  get size(): number {
    return this.byKey.size;
  }

  /** the latest version of `key` published at or before `t`; undefined when none was */
  latestAtOrBefore(key: string, t: number): number | undefined {
    let latest: number | undefined;
    for (const ts of this.byKey.get(key) ?? []) if (ts <= t && (latest === undefined || ts > latest)) latest = ts;
    return latest;
  }

  /**
   * When an alert's evidence was complete: the latest, over the clean records it cites, of the
   * version each had at the alert's time (the clean record that completed the evidence the
   * detector read). Undefined when none of the cited records is known.
   */
  evidenceCompletedAt(evidence: readonly string[], alertTs: number): number | undefined {
    let completed: number | undefined;
    for (const key of evidence) {
      const ts = this.latestAtOrBefore(key, alertTs);
      if (ts !== undefined && (completed === undefined || ts > completed)) completed = ts;
    }
    return completed;
  }
}

/** One consumer group's lag, `at` seconds after the producing window opened. */
export interface LagSample {
  at: number;
  lag: number;
}

export interface KeepUp {
  /** the highest lag sampled while the producer ran */
  maxInWindow: number;
  /** the lag sampled at 25, 50, 75 and 100 % of the window (the latest sample at or before each) */
  atQuarters: number[];
  /** the first lag sampled once the window closed */
  atWindowEnd: number;
  /** from the window's end until the lag was 0 for good; undefined when it still was not at the last sample */
  secondsToZero: number | undefined;
}

/** How a group kept up with a producing window of `windowS` seconds, from its lag samples (unreadable samples, NaN, skipped). */
export function keepUp(all: readonly LagSample[], windowS: number): KeepUp {
  const samples = all.filter((s) => Number.isFinite(s.lag)).sort((a, b) => a.at - b.at);
  const inWindow = samples.filter((s) => s.at <= windowS);
  const latestBy = (t: number) => [...inWindow].reverse().find((s) => s.at <= t)?.lag ?? Number.NaN;
  const after = samples.filter((s) => s.at >= windowS);
  const last = samples.at(-1);
  let secondsToZero: number | undefined;
  if (last !== undefined && last.lag === 0) {
    const lastBehind = samples.findLastIndex((s) => s.lag > 0);
    const caughtUp = samples[lastBehind + 1] as LagSample;
    secondsToZero = Math.max(0, caughtUp.at - windowS);
  }
  return {
    maxInWindow: inWindow.reduce((m, s) => Math.max(m, s.lag), 0),
    atQuarters: [0.25, 0.5, 0.75, 1].map((q) => latestBy(q * windowS)),
    atWindowEnd: after[0]?.lag ?? last?.lag ?? Number.NaN,
    secondsToZero,
  };
}

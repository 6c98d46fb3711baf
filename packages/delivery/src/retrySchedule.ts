/**
 * When to attempt a delivery again. The default follows Svix: immediately, then 5 s, 5 min,
 * 30 min, 2 h, 5 h, 10 h and 10 h after each failure (8 attempts over about 27.5 hours);
 * after the last failure the job stays in the failed set until replayed.
 */
export const DEFAULT_RETRY_SCHEDULE_MS: readonly number[] = [
  0,
  5_000,
  5 * 60_000,
  30 * 60_000,
  2 * 3_600_000,
  5 * 3_600_000,
  10 * 3_600_000,
  10 * 3_600_000,
];

/** Parses "0,5000,300000" into a schedule; the first entry is the delay of the first attempt. */
export function parseRetrySchedule(text: string): number[] {
  const parts = text.split(",").map((s) => s.trim());
  const schedule = parts.map((p) => Number(p));
  if (parts.length === 0 || schedule.some((n, i) => parts[i] === "" || !Number.isInteger(n) || n < 0)) {
    throw new Error(`retry schedule "${text}" must be comma-separated non-negative integers (milliseconds)`);
  }
  return schedule;
}

/**
 * Delay before the attempt that follows `attemptsMade` failed attempts: the schedule's entry
 * with ±`jitter` proportional randomisation (so a recovering subscriber is not hit by every
 * retry at once), but never earlier than the subscriber's Retry-After, capped at `maxDelayMs`.
 */
export function retryDelayMs(
  schedule: readonly number[],
  attemptsMade: number,
  options: { retryAfterMs?: number | undefined; jitter?: number; random?: () => number; maxDelayMs?: number } = {},
): number {
  const base = schedule[Math.min(attemptsMade, schedule.length - 1)] ?? 0;
  const jitter = options.jitter ?? 0.2;
  const random = options.random ?? Math.random;
  const jittered = Math.round(base * (1 - jitter + 2 * jitter * random()));
  const delay = Math.max(jittered, options.retryAfterMs ?? 0);
  return Math.min(delay, options.maxDelayMs ?? 24 * 3_600_000);
}

/** Retry-After as delay-seconds or an HTTP date; undefined when absent or unparseable. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

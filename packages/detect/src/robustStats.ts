/** Robust statistics for short, noisy series. Pure functions. */

/** Scale factor that makes the MAD a consistent estimator of the standard deviation under normality. */
export const MAD_TO_SIGMA = 1.4826;

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/** Median absolute deviation from the median, scaled to sigma units (x 1.4826). */
export function madSigma(values: readonly number[]): number {
  const m = median(values);
  return MAD_TO_SIGMA * median(values.map((v) => Math.abs(v - m)));
}

/**
 * Robust z-score of `x` against `history`: (x - median) / max(MAD sigma, floor). The floor keeps
 * a perfectly flat history from turning a rounding change into an infinite score.
 */
export function robustZ(x: number, history: readonly number[], sigmaFloor: number): { z: number; center: number; sigma: number } {
  const center = median(history);
  const sigma = Math.max(madSigma(history), sigmaFloor);
  return { z: (x - center) / sigma, center, sigma };
}

/** log(share / (1 - share)): the log-ratio of a region against the rest of the composition. */
export function logRatio(share: number, eps = 1e-4): number {
  const s = Math.min(Math.max(share, eps), 1 - eps);
  return Math.log(s / (1 - s));
}

/** Inverse of `logRatio`. */
export function fromLogRatio(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

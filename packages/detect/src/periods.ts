/**
 * Period arithmetic for the period shapes the feeds use: fiscal quarters (`FY2025-Q3`), halves
 * (`FY2025-H1`), years (`FY2025`) and calendar months (`2024-05`).
 */

const FISCAL = /^FY(\d{4})-Q([1-4])$/;
const HALF = /^FY(\d{4})-H([12])$/;
const YEAR = /^FY(\d{4})$/;
const MONTH = /^(\d{4})-(\d{2})$/;

export type Frequency = "quarter" | "half" | "year" | "month";

/** The frequency of a period label; null for unknown shapes. */
export function periodFrequency(period: string): Frequency | null {
  if (FISCAL.test(period)) return "quarter";
  if (HALF.test(period)) return "half";
  if (YEAR.test(period)) return "year";
  if (MONTH.test(period)) return "month";
  return null;
}

/** The period `n` steps before `period` (n may be negative); null for unknown shapes. */
export function shiftPeriod(period: string, n: number): string | null {
  const f = FISCAL.exec(period);
  if (f) {
    const idx = Number(f[1]) * 4 + Number(f[2]) - 1 - n;
    return `FY${Math.floor(idx / 4)}-Q${(idx % 4) + 1}`;
  }
  const h = HALF.exec(period);
  if (h) {
    const idx = Number(h[1]) * 2 + Number(h[2]) - 1 - n;
    return `FY${Math.floor(idx / 2)}-H${(idx % 2) + 1}`;
  }
  const y = YEAR.exec(period);
  if (y) return `FY${Number(y[1]) - n}`;
  const m = MONTH.exec(period);
  if (m) {
    const idx = Number(m[1]) * 12 + Number(m[2]) - 1 - n;
    return `${Math.floor(idx / 12)}-${String((idx % 12) + 1).padStart(2, "0")}`;
  }
  return null;
}

const PER_YEAR: Record<Frequency, number> = { quarter: 4, half: 2, year: 1, month: 12 };

/** Periods per year for a period shape (4 for fiscal quarters, 2 for halves, 1 for years, 12 for months). */
export function periodsPerYear(period: string): number | null {
  const f = periodFrequency(period);
  return f ? PER_YEAR[f] : null;
}

export const previousPeriod = (period: string): string | null => shiftPeriod(period, 1);

/** Same period one year earlier: `FY2025-Q3` -> `FY2024-Q3`, `FY2025` -> `FY2024`, `2024-05` -> `2023-05`. */
export function sameQuarterYearBefore(period: string): string | null {
  const n = periodsPerYear(period);
  return n ? shiftPeriod(period, n) : null;
}

/** The number of periods from `a` to `b` (positive when b is later); null when the shapes differ or are unknown. */
export function periodDistance(a: string, b: string): number | null {
  if (periodFrequency(a) !== periodFrequency(b) || periodFrequency(a) === null) return null;
  for (let n = 0; n <= 400; n++) {
    if (shiftPeriod(b, n) === a) return n;
    if (shiftPeriod(a, n) === b) return -n;
  }
  return null;
}

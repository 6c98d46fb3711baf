/** Period arithmetic for the two period shapes the feeds use: fiscal quarters and calendar months. */

const FISCAL = /^FY(\d{4})-Q([1-4])$/;
const MONTH = /^(\d{4})-(\d{2})$/;

/** The period `n` steps before `period` (n may be negative); null for unknown shapes. */
export function shiftPeriod(period: string, n: number): string | null {
  const f = FISCAL.exec(period);
  if (f) {
    const idx = Number(f[1]) * 4 + Number(f[2]) - 1 - n;
    return `FY${Math.floor(idx / 4)}-Q${(idx % 4) + 1}`;
  }
  const m = MONTH.exec(period);
  if (m) {
    const idx = Number(m[1]) * 12 + Number(m[2]) - 1 - n;
    return `${Math.floor(idx / 12)}-${String((idx % 12) + 1).padStart(2, "0")}`;
  }
  return null;
}

/** Periods per year for a period shape (4 for fiscal quarters, 12 for months). */
export function periodsPerYear(period: string): number | null {
  if (FISCAL.test(period)) return 4;
  if (MONTH.test(period)) return 12;
  return null;
}

export const previousPeriod = (period: string): string | null => shiftPeriod(period, 1);

/** Same period one year earlier: `FY2025-Q3` -> `FY2024-Q3`, `2024-05` -> `2023-05`. */
export function sameQuarterYearBefore(period: string): string | null {
  const n = periodsPerYear(period);
  return n ? shiftPeriod(period, n) : null;
}

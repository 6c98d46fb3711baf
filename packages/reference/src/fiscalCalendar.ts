import type { FiscalQuarter } from "./fiscalPeriod";

/**
 * How a company's fiscal year is laid out (config, per company).
 * - `month-end`: the year ends on the last day of `endMonth` (1-12); quarters are 3 calendar months.
 * - `52-53-week`: the year ends on the last `weekday` (0 = Sunday) of `endMonth`; Q1-Q3 are 13 weeks,
 *   Q4 takes the rest (13 or 14 weeks).
 * The fiscal year is named after the calendar year it ends in (NVIDIA FY2025 ends 2025-01-26).
 */
export type FiscalCalendar = { kind: "month-end"; endMonth: number } | { kind: "52-53-week"; endMonth: number; weekday: number };

/** Calendar dates (ISO yyyy-mm-dd, inclusive) a fiscal quarter covers. */
export interface QuarterDates {
  start: string;
  end: string;
}

/** Built-in calendars; config may add or override (companyCalendar's `overrides`). */
export const FISCAL_CALENDARS: Readonly<Record<string, FiscalCalendar>> = {
  NVDA: { kind: "52-53-week", endMonth: 1, weekday: 0 },
  NVIDIA: { kind: "52-53-week", endMonth: 1, weekday: 0 },
  AMD: { kind: "52-53-week", endMonth: 12, weekday: 6 },
  AAPL: { kind: "52-53-week", endMonth: 9, weekday: 6 },
  INTC: { kind: "52-53-week", endMonth: 12, weekday: 6 },
  MSFT: { kind: "month-end", endMonth: 6 },
  TSM: { kind: "month-end", endMonth: 12 },
};

const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** The last `weekday` of `month` (1-12) in `year`, as UTC midnight ms. */
export function lastWeekdayOfMonth(year: number, month: number, weekday: number): number {
  const lastDay = Date.UTC(year, month, 0);
  const dow = new Date(lastDay).getUTCDay();
  return lastDay - ((dow - weekday + 7) % 7) * DAY;
}

function fiscalYearEnd(cal: FiscalCalendar, fiscalYear: number): number {
  return cal.kind === "month-end" ? Date.UTC(fiscalYear, cal.endMonth, 0) : lastWeekdayOfMonth(fiscalYear, cal.endMonth, cal.weekday);
}

/** Calendar start and end dates of a fiscal quarter under a calendar. */
export function fiscalQuarterDates(cal: FiscalCalendar, p: FiscalQuarter): QuarterDates {
  if (cal.kind === "month-end") {
    // fiscal year Y ends at the end of endMonth in Y; Q1 starts the month after endMonth in Y-1
    const startMonthIndex = cal.endMonth + (p.quarter - 1) * 3; // 0-based month index from Jan of Y-1
    const start = Date.UTC(p.fiscalYear - 1, startMonthIndex, 1);
    const end = Date.UTC(p.fiscalYear - 1, startMonthIndex + 3, 0);
    return { start: iso(start), end: iso(end) };
  }
  const yearStart = fiscalYearEnd(cal, p.fiscalYear - 1) + DAY;
  const start = yearStart + (p.quarter - 1) * 91 * DAY;
  const end = p.quarter === 4 ? fiscalYearEnd(cal, p.fiscalYear) : start + 90 * DAY;
  return { start: iso(start), end: iso(end) };
}

/** The calendar of a company (ticker or name, case-insensitive), config overrides first; undefined when unknown. */
export function companyCalendar(company: string, overrides: Readonly<Record<string, FiscalCalendar>> = {}): FiscalCalendar | undefined {
  const key = company.trim().toUpperCase();
  return overrides[key] ?? FISCAL_CALENDARS[key];
}

/** Calendar months (`YYYY-MM`) a quarter overlaps, for lining revenue up with monthly customs data. */
export function monthsCovered(dates: QuarterDates): string[] {
  const months: string[] = [];
  let y = Number(dates.start.slice(0, 4));
  let m = Number(dates.start.slice(5, 7));
  const endKey = dates.end.slice(0, 7);
  for (;;) {
    const key = `${y}-${String(m).padStart(2, "0")}`;
    months.push(key);
    if (key >= endKey) return months;
    m += 1;
    if (m > 12) {
      m = 1;
      y += 1;
    }
  }
}

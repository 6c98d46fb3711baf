/** A company's fiscal quarter. */
export interface FiscalQuarter {
  fiscalYear: number;
  quarter: 1 | 2 | 3 | 4;
}

/**
 * Parses the ways filings and spreadsheets write a fiscal quarter:
 * `FY2025-Q3`, `FY25 Q3`, `Q3 FY2025`, `2025Q3`, `2025-Q3`, `Q3 2025`.
 * Returns null when the text is not a fiscal quarter.
 */
export function parseFiscalPeriod(text: string): FiscalQuarter | null {
  const t = text.trim().toUpperCase().replace(/\s+/g, " ");
  const patterns: [RegExp, number, number][] = [
    [/^FY ?(\d{2}|\d{4})[ -]?Q([1-4])$/, 1, 2],
    [/^Q([1-4])[ -]?FY ?(\d{2}|\d{4})$/, 2, 1],
    [/^(\d{4})[ -]?Q([1-4])$/, 1, 2],
    [/^Q([1-4])[ -]?(\d{4})$/, 2, 1],
  ];
  for (const [re, yearGroup, quarterGroup] of patterns) {
    const m = re.exec(t);
    if (!m) continue;
    const y = m[yearGroup] ?? "";
    const q = Number(m[quarterGroup]);
    const fiscalYear = y.length === 2 ? 2000 + Number(y) : Number(y);
    if (fiscalYear < 1950 || fiscalYear > 2100) return null;
    return { fiscalYear, quarter: q as FiscalQuarter["quarter"] };
  }
  return null;
}

export function formatFiscalPeriod(p: FiscalQuarter): string {
  return `FY${p.fiscalYear}-Q${p.quarter}`;
}

/** The same quarter `years` earlier. */
export function shiftFiscalYear(p: FiscalQuarter, years: number): FiscalQuarter {
  return { fiscalYear: p.fiscalYear + years, quarter: p.quarter };
}

/** Orders fiscal quarters: negative when a is earlier. */
export function compareFiscal(a: FiscalQuarter, b: FiscalQuarter): number {
  return a.fiscalYear - b.fiscalYear || a.quarter - b.quarter;
}

/** Index on a continuous quarter axis (for distances between quarters). */
export function fiscalIndex(p: FiscalQuarter): number {
  return p.fiscalYear * 4 + (p.quarter - 1);
}

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

/** A reported period: a fiscal quarter, half-year or year. */
export type ReportingPeriod =
  | { frequency: "quarter"; fiscalYear: number; quarter: 1 | 2 | 3 | 4 }
  | { frequency: "half"; fiscalYear: number; half: 1 | 2 }
  | { frequency: "year"; fiscalYear: number };

const fullYear = (y: string): number | null => {
  const n = y.length === 2 ? 2000 + Number(y) : Number(y);
  return n >= 1950 && n <= 2100 ? n : null;
};

/**
 * A fiscal quarter as `parseFiscalPeriod` reads it, or a half-year (`FY2025-H1`, `H2 FY25`,
 * `2025H1`, `1H FY2025`) or a fiscal year (`FY2019`, `FY19`, `2019`). Null otherwise.
 */
export function parseReportingPeriod(text: string): ReportingPeriod | null {
  const q = parseFiscalPeriod(text);
  if (q) return { frequency: "quarter", fiscalYear: q.fiscalYear, quarter: q.quarter };
  const t = text.trim().toUpperCase().replace(/\s+/g, " ");
  const halves: [RegExp, number, number][] = [
    [/^FY ?(\d{2}|\d{4})[ -]?H([12])$/, 1, 2],
    [/^H([12])[ -]?FY ?(\d{2}|\d{4})$/, 2, 1],
    [/^([12])H[ -]?FY ?(\d{2}|\d{4})$/, 2, 1],
    [/^(\d{4})[ -]?H([12])$/, 1, 2],
  ];
  for (const [re, yearGroup, halfGroup] of halves) {
    const m = re.exec(t);
    if (!m) continue;
    const fiscalYear = fullYear(m[yearGroup] ?? "");
    return fiscalYear === null ? null : { frequency: "half", fiscalYear, half: Number(m[halfGroup]) as 1 | 2 };
  }
  const y = /^(?:FY ?(\d{2}|\d{4})|(\d{4}))$/.exec(t);
  if (y) {
    const fiscalYear = fullYear(y[1] ?? y[2] ?? "");
    return fiscalYear === null ? null : { frequency: "year", fiscalYear };
  }
  return null;
}

/** `FY2025-Q3`, `FY2025-H1`, `FY2025`. */
export function formatReportingPeriod(p: ReportingPeriod): string {
  if (p.frequency === "quarter") return `FY${p.fiscalYear}-Q${p.quarter}`;
  if (p.frequency === "half") return `FY${p.fiscalYear}-H${p.half}`;
  return `FY${p.fiscalYear}`;
}

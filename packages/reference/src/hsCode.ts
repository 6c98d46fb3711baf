/** A Harmonized System commodity code: the full code as reported and its HS6 (or shorter) join key. */
export interface HsCode {
  /** digits only, leading zeros kept: `85423100002` */
  full: string;
  /** first six digits, or the whole code at the 2/4-digit levels */
  hs6: string;
  /** 2, 4 or 6: the HS level the join key is at */
  level: 2 | 4 | 6;
}

/**
 * Parses a commodity code: dots and spaces removed (`8542.31` -> `854231`), leading zeros kept,
 * 2/4/6 digits are HS levels, 8-12 digit national codes keep the full code and truncate to HS6.
 * An odd-length code of 1/3/5 digits most often lost its leading zero to a spreadsheet: it is not
 * guessed, it is rejected (null), like letters and the Comtrade `TOTAL` aggregate.
 */
export function parseHsCode(text: string): HsCode | null {
  const t = text.trim().replace(/[.\s]/g, "");
  if (!/^\d+$/.test(t)) return null;
  if (t.length === 2 || t.length === 4 || t.length === 6) {
    return { full: t, hs6: t, level: t.length as 2 | 4 | 6 };
  }
  if (t.length >= 8 && t.length <= 12) return { full: t, hs6: t.slice(0, 6), level: 6 };
  return null;
}

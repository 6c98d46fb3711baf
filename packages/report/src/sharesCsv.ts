import { entityKey } from "@entrepot/detect";
import { basisOf, type ShareComposition } from "./inputs";

export const SHARES_CSV_COLUMNS = [
  "company",
  "reporter",
  "flow",
  "hs",
  "basis",
  "period",
  "region",
  "region_name",
  "amount_usd",
  "share",
  "total_usd",
  "change_prev",
  "change_yoy",
] as const;

/**
 * A text cell as CSV: quoted when it holds a separator, quote or line break; a cell a spreadsheet
 * would read as a formula (= + - @, tab, carriage return first) is prefixed with `'`.
 */
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

const num = (x: number | null | undefined) => (x === null || x === undefined ? "" : String(x));

/**
 * Shares as CSV, one row per entity, basis, period and region (RFC 4180, header first, CRLF):
 * revenue rows carry `company` and `basis`, customs rows `reporter`, `flow` and `hs`; shares and
 * their changes are fractions (0.22 = 22%), amounts USD. Rows are sorted by entity, basis, period,
 * then by amount (largest first) as in the composition.
 */
export function sharesCsv(compositions: readonly ShareComposition[]): string {
  const rows: string[] = [SHARES_CSV_COLUMNS.join(",")];
  const sorted = [...compositions].sort(
    (a, b) =>
      entityKey(a.entity).localeCompare(entityKey(b.entity)) ||
      (basisOf(a) ?? "").localeCompare(basisOf(b) ?? "") ||
      a.period.localeCompare(b.period),
  );
  for (const c of sorted) {
    const e = c.entity;
    for (const p of c.parts) {
      rows.push(
        [
          csvCell(e.company ?? ""),
          csvCell(e.reporter ?? ""),
          csvCell(e.flow ?? ""),
          csvCell(e.hs ?? ""),
          csvCell(basisOf(c) ?? ""),
          csvCell(c.period),
          csvCell(p.region),
          csvCell(p.name),
          num(p.amount),
          num(p.share),
          num(c.total),
          num(p.changePrev),
          num(p.changeYoy),
        ].join(","),
      );
    }
  }
  return `${rows.join("\r\n")}\r\n`;
}

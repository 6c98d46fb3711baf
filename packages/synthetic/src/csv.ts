/** RFC 4180 CSV: a header line, then one line per row; fields with `,` `"` or a newline are quoted. */
export function toCsv(columns: readonly string[], rows: readonly Record<string, string>[]): string {
  const cell = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);
  const lines = [columns.join(",")];
  for (const row of rows) lines.push(columns.map((c) => cell(row[c] ?? "")).join(","));
  return `${lines.join("\n")}\n`;
}

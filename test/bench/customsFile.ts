import { once } from "node:events";
import { createWriteStream } from "node:fs";

const REPORTERS = ["SG", "TW", "KR", "MY", "VN", "JP", "DE", "NL", "US", "MX"];
const PARTNERS = ["CN", "HK", "US", "Taiwan", "Korea, Rep.", "Viet Nam", "India", "Türkiye", "MY", "World"];
/** four flows, in the spellings files use */
const FLOWS = ["export", "M", "re-export", "re-import"];
const HS = ["854231", "854232", "847130", "8542.39", "847330", "85423190", "851762", "852852"];
export const MiB = 2 ** 20;

/**
 * A data row as a customs file has it: each row its own (reporter, partner, flow, commodity, month)
 * for the first 5.76 million rows, published in 2025.
 */
function row(i: number, value = ((i * 7919) % 9_999_991) + 1000, reportedAt = `2025-0${(i % 9) + 1}-15`): string {
  const m = Math.floor(i / 3200);
  const period = `${1950 + (Math.floor(m / 12) % 150)}-${String((m % 12) + 1).padStart(2, "0")}`;
  const partner = PARTNERS[Math.floor(i / 10) % 10];
  const quantity = (value % 50_000) + 10;
  return `${REPORTERS[i % 10]},"${partner}",${FLOWS[Math.floor(i / 100) % 4]},${HS[Math.floor(i / 400) % 8]},${period},${value}.25,USD,${quantity},u,${value % 70_000},bench-gen,${reportedAt}\n`;
}

/**
 * Writes a canonical customs CSV of about `bytes` bytes or exactly `rows` data rows (whichever
 * the caller gives), streaming (never holding the file in memory). Mostly distinct facts, with the
 * messiness of a real file: one row in 1000 ragged (`column_count` at ingest), one in 100 a
 * revision of a fact 37 rows earlier (a later `reported_at`, another value), one in 250 the
 * previous row again (a duplicate). Returns the rows written.
 */
export async function writeCustoms(path: string, size: { bytes: number } | { rows: number }): Promise<number> {
  const out = createWriteStream(path, { highWaterMark: 4 * MiB });
  let written = 0;
  let rows = 0;
  const more = () => ("bytes" in size ? written < size.bytes : rows < size.rows);
  const write = async (text: string) => {
    written += Buffer.byteLength(text);
    if (!out.write(text)) await once(out, "drain");
  };
  await write("reporter,partner,flow,hs_code,period,value,currency,quantity,quantity_unit,net_weight_kg,source,reported_at\n");
  while (more()) {
    const parts: string[] = [];
    for (let k = 0; k < 2000 && ("bytes" in size || rows < size.rows); k++, rows++) {
      const i = rows;
      if (i % 1000 === 999) parts.push(`${REPORTERS[i % 10]},${PARTNERS[(i >> 3) % 10]},export,854231\n`);
      else if (i % 100 === 50) parts.push(row(i - 37, ((i * 104_729) % 9_999_991) + 1000, "2026-01-15"));
      else if (i % 250 === 125) parts.push(row(i - 1));
      else parts.push(row(i));
    }
    await write(parts.join(""));
  }
  out.end();
  await once(out, "finish");
  return rows;
}

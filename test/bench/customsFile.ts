import { once } from "node:events";
import { createWriteStream } from "node:fs";

const REPORTERS = ["SG", "TW", "KR", "MY", "VN", "JP", "DE", "NL", "US", "MX"];
const PARTNERS = ["CN", "HK", "US", "Taiwan", "Korea, Rep.", "Viet Nam", "India", "Türkiye", "MY", "World"];
const FLOWS = ["export", "import", "re-export", "M", "X"];
const HS = ["854231", "854232", "847130", "8542.39", "847330", "85423190", "851762", "852852"];
export const MiB = 2 ** 20;

/**
 * Writes a canonical customs CSV of about `bytes` bytes or exactly `rows` data rows (whichever
 * the caller gives), streaming (never holding the file in memory); one row in 1000 is ragged
 * (`column_count` at ingest). Returns the rows written.
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
      const month = String((i % 12) + 1).padStart(2, "0");
      const year = 2015 + (Math.floor(i / 12) % 10);
      if (i % 1000 === 999) {
        parts.push(`${REPORTERS[i % 10]},${PARTNERS[(i >> 3) % 10]},export,854231,${year}-${month}\n`);
        continue;
      }
      const value = ((i * 7919) % 9_999_991) + 1000;
      parts.push(
        `${REPORTERS[i % 10]},"${PARTNERS[(i >> 3) % 10]}",${FLOWS[i % 5]},${HS[(i >> 5) % 8]},${year}-${month},${value}.25,USD,${(value % 50_000) + 10},u,${value % 70_000},bench-gen,2025-0${(i % 9) + 1}-15\n`,
      );
    }
    await write(parts.join(""));
  }
  out.end();
  await once(out, "finish");
  return rows;
}

import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseRulesConfig, type RulesConfig } from "@entrepot/detect";

/** Test fixture: the watch list of the constructed customs file (NVDA's products, origins, hub SG). */
export const WATCH_RULES_YAML = `watchList:
  - company: NVDA
    hubs: [SG]
    hsCodes: ["847180", "847330", "854231"]
    origins: [TW, KR, CN]
`;
export const watchRules = (): RulesConfig => parseRulesConfig(WATCH_RULES_YAML, "watch.yaml");

const months = (from: number, to: number) => {
  const out: string[] = [];
  for (let i = from; i <= to; i++) out.push(`${2023 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, "0")}`);
  return out;
};

/**
 * A constructed customs file (customs-csv, USD), 2023-01..2024-12, with known answers:
 * - Singapore's imports of HS 854231 from Taiwan flat at $100m a month while the US imports
 *   $900m: Singapore takes 10% of shipments, against 22% of NVDA's billing in FY2025-Q3
 *   (billing_shipping_divergence) with flat imports and flat exports to China (corroboration:
 *   "consistent with an invoicing hub");
 * - Taiwan reports $200m of exports to Singapore in 2024-08 against Singapore's $100m of imports
 *   (mirror_gap);
 * - Malaysia's exports of HS 847330 to Hong Kong jump x4 in 2024-05 while its imports from Taiwan
 *   rise x1.6 (reexport_surge).
 */
export function customsFixtureCsv(): string {
  const rows = ["reporter,partner,flow,hs_code,period,value,reported_at"];
  for (const [i, p] of months(0, 23).entries()) {
    rows.push(`SG,TW,import,854231,${p},100000000,2025-03-01`);
    rows.push(`US,TW,import,854231,${p},900000000,2025-03-01`);
    rows.push(`SG,CN,export,854231,${p},10000000,2025-03-01`);
    rows.push(`MY,TW,import,847330,${p},${p === "2024-05" ? 80000000 : 50000000 + (i % 2) * 1000000},2025-03-01`);
    rows.push(`MY,HK,export,847330,${p},${p === "2024-05" ? 20000000 : 5000000},2025-03-01`);
    rows.push(`MY,US,export,847330,${p},40000000,2025-03-01`);
  }
  rows.push("TW,SG,export,854231,2024-08,200000000,2025-03-01");
  return `${rows.join("\n")}\n`;
}

export function writeCustomsFixture(dir: string): string {
  const file = join(dir, "customs-fixture.csv");
  writeFileSync(file, customsFixtureCsv());
  return file;
}

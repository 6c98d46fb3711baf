/**
 * Detector evaluations per second: 10,000 entities x 40 quarters x 5 regions, each entity
 * evaluated whole (compositions -> every rule), as the streaming detector does per company.
 * Pure CPU: no Kafka or Redis involved.
 */
import { detectAll, revenueCompositions } from "@entrepot/detect";
import type { RevenueClean } from "@entrepot/schemas";
import type { BenchContext, BenchResult } from "./run";

const ENTITIES = 10_000;
const PERIODS = 40;
const REGIONS = ["US", "TW", "SG", "GROUP:CN+HK", "OTHER"];

function entityFacts(e: number): RevenueClean[] {
  let seed = e + 1;
  const rand = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const out: RevenueClean[] = [];
  for (let p = 0; p < PERIODS; p++) {
    const year = 2016 + Math.floor(p / 4);
    const quarter = (p % 4) + 1;
    for (const [i, region] of REGIONS.entries()) {
      const shift = region === "SG" && e % 10 === 0 && p >= 24 ? 2 : 1;
      out.push({
        schemaVersion: 1,
        company: `C${e}`,
        fiscalPeriod: `FY${year}-Q${quarter}`,
        fiscalYear: year,
        fiscalQuarter: quarter,
        regionLabel: region,
        region,
        regionName: region,
        revenueUsd: (100 + 20 * i) * shift * 1.02 ** p * (0.94 + 0.12 * rand()),
        basis: "billing",
        asOf: `${year}-12-31`,
        provenance: { source: "bench", file: "bench", line: p, ingestRun: "bench", format: "revenue-csv" },
      });
    }
  }
  return out;
}

export default async function run(_ctx: BenchContext): Promise<BenchResult> {
  let alerts = 0;
  let buildMs = 0;
  let detectMs = 0;
  for (let e = 0; e < ENTITIES; e++) {
    const facts = entityFacts(e);
    const t0 = performance.now();
    const comps = revenueCompositions(facts);
    const t1 = performance.now();
    alerts += detectAll(comps).length;
    detectMs += performance.now() - t1;
    buildMs += t1 - t0;
  }
  const evaluations = ENTITIES * PERIODS;
  return {
    name: "detector evaluations (pure, no I/O)",
    figures: {
      entities: ENTITIES,
      "periods per entity": PERIODS,
      "regions per period": REGIONS.length,
      "compositions built per second": Math.round(evaluations / (buildMs / 1000)),
      "entity-period evaluations per second (all rules)": Math.round(evaluations / (detectMs / 1000)),
      "end-to-end entity-periods per second": Math.round(evaluations / ((buildMs + detectMs) / 1000)),
      "alerts raised": alerts,
      "entities with a planted 2x step in SG": ENTITIES / 10,
    },
    notes: "An evaluation = one entity-period judged by every rule (share shift, level shift, definition change) for every region.",
  };
}

import type { AnomalyLabel } from "./labels";
import { mulberry32, subSeed } from "./prng";

/** Canonical customs CSV columns (docs/feeds.md, layout `customs-csv`). */
export const CUSTOMS_COLUMNS = ["reporter", "partner", "flow", "hs_code", "period", "value"] as const;
export type CustomsRow = Record<(typeof CUSTOMS_COLUMNS)[number], string>;

export interface CustomsGeneratorOptions {
  seed: number;
  hubs: number;
  /** months from `firstYear`-01 */
  months: number;
  /** sd of the log-normal noise on each monthly value (default 0.08) */
  noise?: number;
  firstYear?: number;
}

/** Hubs that report (ISO alpha-2); every other one is noise-only, the others get a labelled surge. */
export const HUBS = [
  "SG",
  "MY",
  "TH",
  "VN",
  "AE",
  "PH",
  "ID",
  "IN",
  "MX",
  "TR",
  "KZ",
  "AM",
  "GE",
  "KG",
  "UZ",
  "AZ",
  "RS",
  "CL",
  "BR",
  "ZA",
];
/** Watched goods (the re-export surge rule's default HS prefixes). */
const CODES = ["854231", "847330"];
/** destinations of concern first (CN, HK), then the others */
const DESTINATIONS = ["CN", "HK", "US", "DE", "JP", "NL"];

export const monthPeriod = (firstYear: number, i: number): string =>
  `${firstYear + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, "0")}`;

/**
 * A hub's monthly imports of watched goods from the origins and its exports of them to six
 * destinations (CN and HK of concern). A labelled surge from month m0 on: exports to CN up by
 * 60-200% of the destinations-of-concern level, and imports up 25-60% with them (goods coming in
 * and going out together).
 */
export function generateCustoms(options: CustomsGeneratorOptions): { rows: CustomsRow[]; labels: AnomalyLabel[] } {
  const { seed, hubs, months } = options;
  if (hubs > HUBS.length) throw new RangeError(`at most ${HUBS.length} hubs`);
  if (!Number.isInteger(months) || months < 12) throw new RangeError("months must be an integer >= 12");
  const noise = options.noise ?? 0.08;
  const firstYear = options.firstYear ?? 2020;
  const period = (i: number) => monthPeriod(firstYear, i);
  const rows: CustomsRow[] = [];
  const labels: AnomalyLabel[] = [];
  for (let h = 0; h < hubs; h++) {
    const r = mulberry32(subSeed(seed, h, 2));
    const reporter = HUBS[h] as string;
    const surge = h % 2 === 1;
    const concernShare = r.uniform(0.08, 0.3);
    const cnOfConcern = r.uniform(0.5, 0.7);
    const otherWeights = DESTINATIONS.slice(2).map(() => r.uniform(0.6, 1.4));
    const wsum = otherWeights.reduce((a, b) => a + b, 0);
    const destShares = [
      concernShare * cnOfConcern,
      concernShare * (1 - cnOfConcern),
      ...otherWeights.map((w) => ((1 - concernShare) * w) / wsum),
    ];
    const twShare = r.uniform(0.6, 0.8);
    const base = CODES.map(() => r.uniform(20e6, 300e6));
    const growth = r.uniform(0, 0.01);
    const m0 = r.int(Math.min(9, months - 4), Math.max(Math.min(9, months - 4), months - 7));
    const rise = r.uniform(0.6, 2);
    const importRise = r.uniform(0.25, 0.6);
    if (surge) {
      const share = (concernShare + concernShare * rise) / (1 + concernShare * rise);
      labels.push({
        feed: "customs",
        entity: { reporter },
        region: "CN",
        regionName: "China",
        type: "surge",
        start: period(m0),
        end: period(m0),
        magnitudePp: Math.round((share - concernShare) * 1000) / 10,
      });
    } else {
      labels.push({
        feed: "customs",
        entity: { reporter },
        region: "*",
        regionName: "",
        type: "noise",
        start: period(0),
        end: period(months - 1),
        magnitudePp: 0,
      });
    }
    for (let i = 0; i < months; i++) {
      const on = surge && i >= m0;
      CODES.forEach((code, k) => {
        const level = (base[k] as number) * (1 + growth) ** i;
        const exports = 0.85 * level;
        const value = (v: number) => String(Math.round(v * Math.exp(noise * r.normal())));
        const imports = level * (on ? 1 + importRise : 1);
        rows.push({ reporter, partner: "TW", flow: "import", hs_code: code, period: period(i), value: value(imports * twShare) });
        rows.push({ reporter, partner: "KR", flow: "import", hs_code: code, period: period(i), value: value(imports * (1 - twShare)) });
        DESTINATIONS.forEach((partner, j) => {
          let v = exports * (destShares[j] as number);
          if (on && j === 0) v += exports * concernShare * rise;
          rows.push({ reporter, partner, flow: "export", hs_code: code, period: period(i), value: value(v) });
        });
      });
    }
  }
  return { rows, labels };
}

import { resolve } from "node:path";

const samples = resolve(import.meta.dirname, "../samples");

/**
 * The constructed customs sample the demo ingests and the tests analyze (customs-csv, USD,
 * 2023-01..2024-12; see samples/README.md), with known answers:
 * - Singapore's imports of HS 854231 from Taiwan flat at $100m a month while the US imports
 *   $900m: Singapore takes about 10% of shipments, against 22% of NVDA's billing in FY2025-Q3
 *   (billing_shipping_divergence) with flat imports and flat exports to China (corroboration:
 *   "consistent with an invoicing hub");
 * - Taiwan reports $200m of exports to Singapore in 2024-08 against Singapore's $100m of imports
 *   (mirror_gap);
 * - Malaysia's exports of HS 847330 to Hong Kong jump x4 in 2024-05 while its imports from Taiwan
 *   rise x1.6 (reexport_surge).
 */
export const SG_HUB_CUSTOMS = resolve(samples, "sg-hub-customs.csv");

/** NVDA's revenue by billing region, FY2023-Q1..FY2025-Q4, one malformed row (see samples/README.md). */
export const NVDA_REVENUE = resolve(samples, "nvda-revenue.csv");

/** The demo's rules file: the watch list (NVDA's products, origins, hub SG). */
export const DEMO_RULES_FILE = resolve(samples, "demo-rules.yaml");

import type { Composition } from "@entrepot/schemas";
import { annotateCompositions } from "./compositions";
import { shiftPeriod } from "./periods";

/**
 * Test helper: compositions of one company from rows of amounts per region, one row per
 * consecutive fiscal quarter starting at `start`. A missing region in a row is not reported.
 */
export function series(company: string, start: string, rows: readonly Record<string, number>[]): Composition[] {
  const names: Record<string, string> = { SG: "Singapore", US: "United States", TW: "Taiwan", CN: "China", OTHER: "Other countries" };
  return annotateCompositions(
    rows.map((row, i) => {
      const period = shiftPeriod(start, -i) ?? start;
      const total = Object.values(row).reduce((s, v) => s + v, 0);
      return {
        schemaVersion: 1 as const,
        entity: { company },
        period,
        total,
        parts: Object.entries(row).map(([region, amount]) => ({
          region,
          name: names[region] ?? region,
          amount,
          share: total > 0 ? amount / total : 0,
        })),
        evidence: Object.keys(row).map((r) => `${company}|${period}|${r}`),
      };
    }),
  );
}

/** Rows where `region` has the given shares (in %) of a total of 1000, the rest split evenly over `others`. */
export function shareRows(
  shares: readonly number[],
  region = "SG",
  others: readonly string[] = ["US", "TW", "OTHER"],
): Record<string, number>[] {
  return shares.map((s) => {
    const row: Record<string, number> = { [region]: s * 10 };
    for (const o of others) row[o] = ((100 - s) * 10) / others.length;
    return row;
  });
}

/** NVDA-like Singapore shares FY2023-Q1..FY2025-Q4 (the sample file's shape), total growing. */
export const NVDA_SG_SHARES = [8, 9, 9, 10, 11, 12, 13, 14, 16, 18, 22, 19];

/** Seeded PRNG (mulberry32) and a standard normal from it, so noisy fixtures are reproducible. */
export function rng(seed: number): { uniform: () => number; normal: () => number } {
  let a = seed >>> 0;
  const uniform = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const normal = () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
  return { uniform, normal };
}

/**
 * A noise-only entity: four regions with stable base shares, each amount multiplied by
 * log-normal noise (sd `noise`) around a total that grows a few % per quarter.
 */
export function noiseRows(seed: number, periods: number, noise = 0.06): Record<string, number>[] {
  const r = rng(seed);
  const base: Record<string, number> = { SG: 10 + 10 * r.uniform(), US: 40, TW: 25, OTHER: 20 };
  return Array.from({ length: periods }, (_, i) =>
    Object.fromEntries(Object.entries(base).map(([k, v]) => [k, v * 1.03 ** i * Math.exp(noise * r.normal())])),
  );
}

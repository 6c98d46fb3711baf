import type { Composition } from "@entrepot/schemas";
import { basisOf, entityKey } from "./compositions";

/** How well a file's regions cover the totals it reports. */
export interface TotalsCoverage {
  /** compositions (company x period x basis) */
  periods: number;
  /** of which with a reported total row */
  withTotal: number;
  /** of which the regions add up to the total within the tolerance */
  matched: number;
  /** the others: company, period, basis, regions' sum and reported total (USD) */
  gaps: { entity: string; period: string; basis: string; regionsUsd: number; totalUsd: number; coverage: number }[];
}

/** Coverage of reported totals by the regions, per composition (`totalTolerance` as a fraction of the total). */
export function totalsCoverage(compositions: readonly Composition[], totalTolerance: number): TotalsCoverage {
  const out: TotalsCoverage = { periods: compositions.length, withTotal: 0, matched: 0, gaps: [] };
  for (const c of compositions) {
    if (c.reportedTotal === undefined) continue;
    out.withTotal++;
    const regions = c.reportedTotal - (c.unattributed ?? 0);
    if (Math.abs(c.unattributed ?? 0) <= totalTolerance * c.reportedTotal) {
      out.matched++;
      continue;
    }
    out.gaps.push({
      entity: entityKey(c.entity),
      period: c.period,
      basis: basisOf(c),
      regionsUsd: regions,
      totalUsd: c.reportedTotal,
      coverage: c.reportedTotal > 0 ? regions / c.reportedTotal : 0,
    });
  }
  return out;
}

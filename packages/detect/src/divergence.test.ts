import { describe, expect, it } from "vitest";
import { DEFAULT_DIVERGENCE, detectBillingShippingDivergence, monthWeights } from "./divergence";
import { customs, NVDA_WATCH, Q3_MONTHS, revenueQuarter, WATCH } from "./testData";

/** SG and US imports of HS 854231 from Taiwan in every month of the quarter, $m. */
const imports = (sg: number, us: number, months = Q3_MONTHS) =>
  months.flatMap((m) => [customs("SG", "TW", "import", m, sg * 1e6), customs("US", "TW", "import", m, us * 1e6)]);
const q3 = (sgPct: number) => revenueQuarter("FY2025-Q3", "2024-07-29", "2024-10-27", sgPct);

describe("fiscal quarter -> calendar months", () => {
  it("weights each month by the share of its days the quarter covers", () => {
    const w = monthWeights("2024-07-29", "2024-10-27");
    expect([...w.keys()]).toEqual(Q3_MONTHS);
    expect(w.get("2024-07")).toBeCloseTo(3 / 31, 6);
    expect(w.get("2024-08")).toBe(1);
    expect(w.get("2024-10")).toBeCloseTo(27 / 31, 6);
  });
});

describe("billing vs shipping divergence", () => {
  it("fires when a hub is billed 22% of revenue but takes 10% of the imports of the products from the origins", () => {
    const drafts = detectBillingShippingDivergence(q3(22), imports(10, 90), WATCH);
    expect(drafts).toHaveLength(1);
    expect(drafts[0]).toMatchObject({
      alertId: "billing_shipping_divergence|NVDA|SG|FY2025-Q3",
      severity: "warning",
      region: "SG",
      observed: 0.22,
      baseline: 0.1,
      score: 12,
      threshold: 10,
    });
    expect(drafts[0]?.summary).toMatch(
      /^Singapore was billed 22\.0% of NVDA revenue in FY2025-Q3 but recorded 10\.0% of the customs imports .* over 2024-07\.\.2024-10 .*differ by \+12\.0 pp/,
    );
  });

  it("stays quiet when billing and shipping agree, for companies off the watch list, other goods or origins, and without data for the months", () => {
    const rev = q3(22);
    expect(detectBillingShippingDivergence(rev, imports(20, 80), WATCH)).toEqual([]);
    expect(detectBillingShippingDivergence(rev, imports(10, 90), [])).toEqual([]);
    expect(detectBillingShippingDivergence(rev, imports(10, 90), [{ ...NVDA_WATCH, origins: ["KR"] }])).toEqual([]);
    expect(detectBillingShippingDivergence(rev, imports(10, 90), [{ ...NVDA_WATCH, hsCodes: ["300490"] }])).toEqual([]);
    expect(detectBillingShippingDivergence(rev, imports(10, 90, ["2024-07", "2024-08", "2024-09"]), WATCH)).toEqual([]); // October missing
  });

  it("is critical from criticalGapPp and honours the threshold", () => {
    expect(detectBillingShippingDivergence(q3(35), imports(10, 90), WATCH)[0]?.severity).toBe("critical");
    expect(detectBillingShippingDivergence(q3(22), imports(10, 90), WATCH, { ...DEFAULT_DIVERGENCE, minGapPp: 15 })).toEqual([]);
  });
});

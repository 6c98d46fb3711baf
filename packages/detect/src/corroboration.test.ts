import { describe, expect, it } from "vitest";
import { corroborate, DEFAULT_CORROBORATION, storyScores } from "./corroboration";
import { alertDraft, customs, Q3_MONTHS, revenueQuarter, WATCH } from "./testData";

const shareShift = alertDraft({ summary: "s" });
const revenue = revenueQuarter("FY2025-Q3", "2024-07-29", "2024-10-27", 22);
const yearBefore = (m: string) => `${Number(m.slice(0, 4)) - 1}${m.slice(4)}`;
/** SG imports from Taiwan and exports to China: a year earlier, then in the quarter ($m a month). */
const hub = (imp: [number, number], exp: [number, number]) =>
  Q3_MONTHS.flatMap((m) => [
    customs("SG", "TW", "import", yearBefore(m), imp[0] * 1e6),
    customs("SG", "TW", "import", m, imp[1] * 1e6),
    customs("SG", "CN", "export", yearBefore(m), exp[0] * 1e6),
    customs("SG", "CN", "export", m, exp[1] * 1e6),
  ]);

describe("corroboration across feeds", () => {
  it("billing share up, hub imports flat: consistent with an invoicing hub", () => {
    const [a, ...rest] = corroborate([shareShift], revenue, hub([100, 102], [10, 10]), WATCH);
    expect(rest).toEqual([]);
    expect(a).toMatchObject({ alertId: "corroboration|NVDA|SG|FY2025-Q3", severity: "info", region: "SG", period: "FY2025-Q3" });
    expect(a?.score).toBeGreaterThanOrEqual(0.8);
    expect(a?.summary).toContain("consistent with an invoicing hub");
  });

  it("imports from the origins and exports to destinations of concern up together: consistent with transshipment", () => {
    const [a] = corroborate([shareShift], revenue, hub([100, 150], [10, 25]), WATCH);
    expect(a?.summary).toContain("consistent with transshipment");
    expect(a).toMatchObject({ severity: "critical", score: 1 });
  });

  it("imports up, exports to concern flat: neither story fits well", () => {
    const [a] = corroborate([shareShift], revenue, hub([100, 130], [10, 10]), WATCH);
    expect(a?.summary).toContain("not clearly consistent");
    expect(a?.score).toBeLessThan(0.5);
  });

  it("no assessment without a matching revenue alert, for a downward move, another hub, or without customs for the months", () => {
    const data = hub([100, 102], [10, 10]);
    expect(corroborate([], revenue, data, WATCH)).toEqual([]);
    expect(corroborate([{ ...shareShift, observed: 0.1 }], revenue, data, WATCH)).toEqual([]);
    expect(corroborate([{ ...shareShift, region: "US" }], revenue, data, WATCH)).toEqual([]);
    expect(
      corroborate(
        [shareShift],
        revenue,
        data.filter((r) => r.period >= "2024-01"),
        WATCH,
      ),
    ).toEqual([]);
  });

  it("scores the stories", () => {
    expect(storyScores(0, 0, DEFAULT_CORROBORATION)).toMatchObject({ invoicing_hub: 1, transshipment: 0 });
    expect(storyScores(0.4, 1, DEFAULT_CORROBORATION)).toMatchObject({ transshipment: 1 });
    expect(storyScores(0.2, 0.5, DEFAULT_CORROBORATION).transshipment).toBeCloseTo(0.5, 6);
  });
});

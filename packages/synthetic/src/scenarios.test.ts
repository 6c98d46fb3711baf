import { describe, expect, it } from "vitest";
import { generateFeeds } from "./generateFeeds";
import type { RevenueRow } from "./revenue";
import { generateScenarios, SCENARIO_TYPES, type ScenarioType } from "./scenarios";

const { rows, labels } = generateScenarios({ seed: 11, perScenario: 4, quarters: 20 });
const rowsOf = (company: string) => rows.filter((r) => r.company === company);
const ofType = (t: ScenarioType) => labels.filter((l) => l.scenario === t);
const periodsOf = (list: readonly RevenueRow[]) => [...new Set(list.map((r) => r.fiscal_period))].sort();
const amount = (r: RevenueRow | undefined) => Number(r?.revenue ?? Number.NaN);
const isTotal = (r: RevenueRow) => r.region === "Total revenue";
/** regions' sum and the total row of one company, period and basis */
function sums(list: readonly RevenueRow[], period: string, basis = "billing") {
  const own = list.filter((r) => r.fiscal_period === period && r.basis === basis);
  return { regions: own.filter((r) => !isTotal(r)).reduce((s, r) => s + amount(r), 0), total: amount(own.find(isTotal)), own };
}
/** Singapore's share of the total per period (billing) */
const sgShare = (list: readonly RevenueRow[], period: string) => {
  const { own, regions, total } = sums(list, period);
  return amount(own.find((r) => r.region === "Singapore")) / (Number.isNaN(total) ? regions : total);
};
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const only = <T>(list: readonly T[]): T => {
  expect(list).toHaveLength(1);
  return list[0] as T;
};

describe("real-world scenarios (labels consistent with the rows)", () => {
  it("generates every scenario in turn, deterministically, without touching the SYN companies", () => {
    expect(labels.map((l) => l.scenario)).toEqual([...SCENARIO_TYPES, ...SCENARIO_TYPES, ...SCENARIO_TYPES, ...SCENARIO_TYPES]);
    expect(generateScenarios({ seed: 11, perScenario: 4, quarters: 20 })).toEqual({ rows, labels });
    expect(generateScenarios({ seed: 12, perScenario: 4, quarters: 20 }).rows).not.toEqual(rows);
    const feeds = generateFeeds({ seed: 5, companies: 24, quarters: 20, scenarios: 2 });
    expect(feeds.scenarios).toHaveLength(2 * SCENARIO_TYPES.length);
    expect(JSON.parse(feeds.scenariosJson)).toEqual(feeds.scenarios);
    const without = generateFeeds({ seed: 5, companies: 24, quarters: 20, scenarios: 1 });
    expect(without.revenue.filter((r) => r.company.startsWith("SYN"))).toEqual(feeds.revenue.filter((r) => r.company.startsWith("SYN")));
    expect(without.labelsJson).toBe(feeds.labelsJson);
    for (const l of labels) {
      expect(periodsOf(rowsOf(l.entity.company))[0]).toBe(l.first);
      expect(periodsOf(rowsOf(l.entity.company)).at(-1)).toBe(l.last);
    }
  });

  it("split-out: (incl. Singapore) before the labelled quarter, Singapore + (excl. Singapore) from it, nothing lost", () => {
    for (const l of ofType("split_out")) {
      const notice = only(l.notices);
      expect(notice).toMatchObject({ notice: "split_out", region: "SG" });
      expect(l.alerts).toEqual([]);
      const list = rowsOf(l.entity.company);
      for (const p of periodsOf(list)) {
        const regions = list.filter((r) => r.fiscal_period === p).map((r) => r.region);
        if (p < notice.period) {
          expect(regions).toContain("Other countries (incl. Singapore)");
          expect(regions).not.toContain("Singapore");
        } else expect(regions).toEqual(expect.arrayContaining(["Singapore", "Other countries (excl. Singapore)"]));
        const { regions: sum, total } = sums(list, p);
        expect(Math.abs(sum / total - 1)).toBeLessThan(0.001);
      }
    }
  });

  it("basis change: billing up to the recast quarter, headquarters from it, the recast quarter on both and published with the next", () => {
    for (const l of ofType("basis_change")) {
      const notice = only(l.notices);
      expect(notice.notice).toBe("basis_change");
      const list = rowsOf(l.entity.company);
      const billing = periodsOf(list.filter((r) => r.basis === "billing"));
      const hq = periodsOf(list.filter((r) => r.basis === "headquarters"));
      expect(billing.at(-1)).toBe(notice.period);
      expect(hq[0]).toBe(notice.period);
      expect(hq.at(-1)).toBe(l.last);
      const recast = list.filter((r) => r.fiscal_period === notice.period && r.basis === "headquarters");
      const next = list.find((r) => r.fiscal_period === hq[1]);
      expect(new Set(recast.map((r) => r.reported_at))).toEqual(new Set([next?.reported_at]));
      // same total, the hub's share lower on the new basis
      const old = sums(list, notice.period);
      const now = sums(list, notice.period, "headquarters");
      expect(Math.abs(now.total / old.total - 1)).toBeLessThan(0.001);
      expect(amount(now.own.find((r) => r.region === "Singapore"))).toBeLessThan(amount(old.own.find((r) => r.region === "Singapore")));
    }
  });

  it("opaque label: the unknown label is printed in every quarter and the notice names it from the first", () => {
    for (const l of ofType("opaque_region")) {
      const notice = only(l.notices);
      expect(notice).toMatchObject({ notice: "unrecognized_region", period: l.first });
      expect(notice.region).toBe(`LABEL:${notice.regionName.toLowerCase().replaceAll(" ", "-")}`);
      const list = rowsOf(l.entity.company);
      for (const p of periodsOf(list)) expect(list.filter((r) => r.fiscal_period === p && r.region === notice.regionName)).toHaveLength(1);
    }
  });

  it("missing row: the region is absent in the labelled quarter only, and the total row still counts it", () => {
    for (const l of ofType("missing_row")) {
      const notice = only(l.notices);
      expect(notice.notice).toBe("data_gap");
      const list = rowsOf(l.entity.company);
      const present = periodsOf(list.filter((r) => r.region === notice.regionName));
      expect(periodsOf(list).filter((p) => !present.includes(p))).toEqual([notice.period]);
      const gap = sums(list, notice.period);
      expect(gap.regions / gap.total).toBeLessThan(0.95);
    }
  });

  it("partial totals: regions short of the total row exactly in the labelled quarters", () => {
    for (const l of ofType("partial_total")) {
      const labelled = l.notices.map((n) => n.period);
      expect(l.notices.every((n) => n.notice === "total_mismatch" && n.region === "TOTAL")).toBe(true);
      expect(labelled.length).toBeGreaterThanOrEqual(1);
      const list = rowsOf(l.entity.company);
      for (const p of periodsOf(list)) {
        const { regions, total } = sums(list, p);
        if (labelled.includes(p)) expect(regions / total).toBeLessThan(0.975);
        else expect(Math.abs(regions / total - 1)).toBeLessThan(0.001);
      }
    }
  });

  it("hypergrowth: the total grows x8 within two years, and Singapore's share steps by the labelled size in the labelled quarter", () => {
    for (const l of ofType("hypergrowth")) {
      const alert = only(l.alerts);
      expect(l.notices).toEqual([]);
      const list = rowsOf(l.entity.company);
      expect(list.some(isTotal)).toBe(false);
      const periods = periodsOf(list);
      const totals = periods.map((p) => sums(list, p).regions);
      const growth = Math.max(...totals.slice(8).map((t, i) => t / (totals[i] as number)));
      expect(growth).toBeGreaterThan(5);
      expect(growth).toBeLessThan(13);
      const k = periods.indexOf(alert.period);
      const before = mean(periods.slice(0, k).map((p) => sgShare(list, p)));
      const after = mean(periods.slice(k).map((p) => sgShare(list, p)));
      expect(Math.abs((after - before) * 100 - alert.magnitudePp)).toBeLessThan(3);
      expect(alert.direction).toBe(alert.magnitudePp > 0 ? "up" : "down");
    }
  });

  it("annual filer: FY2013-style years published after each year, the hub's share stepping up in the labelled year", () => {
    for (const l of ofType("annual")) {
      expect(l.frequency).toBe("year");
      const alert = only(l.alerts);
      const list = rowsOf(l.entity.company);
      const periods = periodsOf(list);
      expect(periods).toHaveLength(12);
      expect(periods.every((p) => /^FY\d{4}$/.test(p))).toBe(true);
      for (const r of list) expect(r.reported_at).toBe(`${Number(r.fiscal_period.slice(2)) + 1}-02-14`);
      const k = periods.indexOf(alert.period);
      expect(k).toBeGreaterThanOrEqual(6);
      const before = mean(periods.slice(0, k).map((p) => sgShare(list, p)));
      const after = mean(periods.slice(k).map((p) => sgShare(list, p)));
      expect(Math.abs((after - before) * 100 - alert.magnitudePp)).toBeLessThan(2);
    }
  });
});

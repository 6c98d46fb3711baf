import { SCENARIO_TYPES } from "@entrepot/synthetic";
import { describe, expect, it } from "vitest";
import { formatBacktest, runBacktest } from "./backtest";

describe("entrepot backtest (generate -> analyze -> score)", () => {
  it("scores every label, finds the large anomalies and reports the aim, deterministically", async () => {
    const run = await runBacktest({ seed: 3, companies: 24, quarters: 16 });
    expect(run.rejected).toBe(0);
    // one replay step per publication date: 16 quarters, and the annual filers' earlier years
    expect(run.cuts).toBe(new Set(run.feeds.revenue.map((r) => r.reported_at)).size);
    expect(run.cuts).toBeGreaterThan(16);
    expect(run.result.outcomes).toHaveLength(run.feeds.labels.length);
    expect(run.result.unlabelled).toEqual([]);
    // sustained moves of 8 pp or more are found by some rule
    for (const o of run.result.outcomes.filter((x) => ["level_shift", "drop"].includes(x.label.type) && Math.abs(x.label.magnitudePp) >= 8))
      expect(o.detected, JSON.stringify(o.label)).toBe(true);
    // every metric is a number in range or null
    for (const m of run.result.byType) for (const v of [m.precision, m.recall, m.f1]) if (v !== null) expect(v >= 0 && v <= 1).toBe(true);
    const report = formatBacktest(run, "pnpm entrepot backtest --seed 3 --companies 24 --quarters 16");
    expect(report).toContain("Produced by `pnpm entrepot backtest --seed 3 --companies 24 --quarters 16`");
    expect(report).toMatch(/\| F1 >= 0\.9 on level shifts of 5 pp or more \| \d\.\d{3} \| \*\*(met|not met)\*\* \|/);
    expect(report).toMatch(/\| noise \| revenue \| 6 \| 96 \| \d+ \|/);
    // one company per scenario, each scored on its own; the table shapes give their notices and no alert
    expect(run.result.outcomes.every((o) => !o.label.entity.company?.startsWith("SCN"))).toBe(true);
    const scenarios = new Map(run.scenarios.byScenario.map((m) => [m.scenario, m]));
    expect([...scenarios.keys()]).toEqual([...SCENARIO_TYPES]);
    for (const m of scenarios.values()) expect(m.companies).toBe(1);
    for (const name of ["split_out", "basis_change", "opaque_region", "missing_row", "partial_total"] as const)
      expect(scenarios.get(name)).toMatchObject({
        expected: 0,
        falseAlerts: 0,
        noticesFound: scenarios.get(name)?.noticesExpected,
        noticesUnexpected: 0,
      });
    expect(scenarios.get("annual")).toMatchObject({ expected: 1, detected: 1, directionRight: 1, recall: 1 });
    expect(scenarios.get("hypergrowth")).toMatchObject({ expected: 1 });
    expect(run.scenarios.byNotice.map((n) => [n.notice, n.expected === n.found])).toEqual([
      ["split_out", true],
      ["basis_change", true],
      ["data_gap", true],
      ["total_mismatch", true],
      ["unrecognized_region", true],
    ]);
    expect(report).toContain("## Real-world scenarios");
    expect(report).toMatch(/\| annual \| 1 \| 1 \| 1\.00 \| \d+ \| \d+ \| \d+ \| \d\.\d\d \| \d\.\d\d \| 1\/1 \| \d\.\d \| 0 \| 0 \| 0 \|/);
    expect(report).toMatch(/\| split_out \| `definition_change` \| 1 \| 1 \| 0 \|/);
    const again = await runBacktest({ seed: 3, companies: 24, quarters: 16 });
    expect(formatBacktest(again, "x")).toBe(formatBacktest(run, "x"));
  }, 60_000);
});

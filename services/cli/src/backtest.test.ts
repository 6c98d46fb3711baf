import { describe, expect, it } from "vitest";
import { formatBacktest, runBacktest } from "./backtest";

describe("entrepot backtest (generate -> analyze -> score)", () => {
  it("scores every label, finds the large anomalies and reports the aim, deterministically", async () => {
    const run = await runBacktest({ seed: 3, companies: 24, quarters: 16 });
    expect(run.rejected).toBe(0);
    expect(run.cuts).toBe(16);
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
    const again = await runBacktest({ seed: 3, companies: 24, quarters: 16 });
    expect(formatBacktest(again, "x")).toBe(formatBacktest(run, "x"));
  }, 60_000);
});

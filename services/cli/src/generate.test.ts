import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { entityKey } from "@entrepot/detect";
import { analyzeFiles } from "@entrepot/offline";
import { type AnomalyLabel, SCENARIO_TYPES, type ScenarioLabel } from "@entrepot/synthetic";
import { describe, expect, it } from "vitest";
import { GenerateUsageError, generateCommand } from "./generate";

const run = (args: string[]) => {
  const out: string[] = [];
  const code = generateCommand(args, (l) => out.push(l));
  return { code, out };
};

describe("entrepot generate", () => {
  it("writes revenue.csv, customs.csv and labels.json; the same seed gives the same bytes", () => {
    const a = mkdtempSync(join(tmpdir(), "generate-a-"));
    const b = mkdtempSync(join(tmpdir(), "generate-b-"));
    expect(run(["--seed", "11", "--out", a, "--companies", "24", "--quarters", "16"]).code).toBe(0);
    const { out } = run(["--seed", "11", "--out", b, "--companies", "24", "--quarters", "16"]);
    expect(out[0]).toMatch(/24 companies x 16 quarters/);
    for (const f of ["revenue.csv", "customs.csv", "labels.json", "scenarios.json"])
      expect(readFileSync(join(b, f))).toEqual(readFileSync(join(a, f)));
  });

  it("rejects a missing --out and bad numbers", () => {
    expect(() => run(["--seed", "1"])).toThrow(GenerateUsageError);
    expect(() => run(["--out", "/tmp/x", "--companies", "0"])).toThrow(/--companies must be an integer >= 1/);
    expect(() => run(["--out", "/tmp/x", "--quarters", "8"])).toThrow(/--quarters must be an integer >= 12/);
  });

  it("labels match what the pipeline reads: canonical regions, restated and missing quarters, no rejected row", async () => {
    const dir = mkdtempSync(join(tmpdir(), "generate-labels-"));
    run(["--seed", "4", "--out", dir, "--companies", "24", "--quarters", "16"]);
    const labels = JSON.parse(readFileSync(join(dir, "labels.json"), "utf8")) as AnomalyLabel[];
    const result = await analyzeFiles({ files: [join(dir, "revenue.csv"), join(dir, "customs.csv")], now: "2000-01-01T00:00:00.000Z" });
    expect(result.problems).toEqual([]);
    const byCompany = new Map<string, typeof result.compositions>();
    for (const c of result.compositions) byCompany.set(entityKey(c.entity), [...(byCompany.get(entityKey(c.entity)) ?? []), c]);
    // 24 companies with an anomaly label, one company per real-world scenario
    expect(byCompany.size).toBe(24 + SCENARIO_TYPES.length);
    for (const label of labels.filter((l) => l.feed === "revenue")) {
      const comps = byCompany.get(entityKey(label.entity)) ?? [];
      const periods = comps.map((c) => c.period);
      if (label.region !== "*") {
        // the labelled region is a canonical region id the normalizer produced, with the name in the feed
        const part = comps[0]?.parts.find((p) => p.region === label.region);
        expect(part, `${label.entity.company} ${label.region}`).toBeDefined();
        expect(label.regionName).toBeTruthy();
      }
      if (label.type === "missing_quarters") {
        expect(periods).toHaveLength(16 - (label.periods?.length ?? 0));
        for (const p of label.periods ?? []) expect(periods).not.toContain(p);
      } else expect(periods).toHaveLength(16);
      if (label.type === "restatement") {
        // latest asOf wins: the restated period's share is back in line with the year before
        const share = (p: string) => comps.find((c) => c.period === p)?.parts.find((x) => x.region === label.region)?.share ?? Number.NaN;
        const yearBefore = `FY${Number(label.start.slice(2, 6)) - 1}${label.start.slice(6)}`;
        expect(Math.abs(share(label.start) - share(yearBefore)) * 100).toBeLessThan(label.magnitudePp / 2);
      }
    }
    expect(result.customs).toBe(readFileSync(join(dir, "customs.csv"), "utf8").trimEnd().split("\n").length - 1);
    // the scenario labels name regions as the normalizer resolves them (an unknown label's LABEL: id included)
    const scenarios = JSON.parse(readFileSync(join(dir, "scenarios.json"), "utf8")) as ScenarioLabel[];
    expect(scenarios.map((l) => l.scenario)).toEqual([...SCENARIO_TYPES]);
    for (const l of scenarios)
      for (const e of [...l.alerts, ...l.notices.filter((n) => n.region !== "*" && n.region !== "TOTAL")]) {
        const parts = (byCompany.get(entityKey(l.entity)) ?? []).flatMap((c) => c.parts);
        expect(parts.find((p) => p.region === e.region)?.name, `${l.scenario} ${e.region}`).toBe(e.regionName);
      }
  });
});

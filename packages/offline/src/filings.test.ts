import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { DEFAULT_RULES, parseRulesConfig } from "@entrepot/detect";
import type { Alert, RevenueClean } from "@entrepot/schemas";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { analyzeFiles } from "./analyzeFiles";
import { cleanFactsOf } from "./cleanFacts";

/** Fixtures from company filings (packages/detect/fixtures/filings/README.md): a CSV and what an analyst expects of it. */
const FILINGS = resolve(import.meta.dirname, "../../../packages/detect/fixtures/filings");
const NOW = "2026-06-01T00:00:00.000Z";

const AlertPattern = z
  .object({
    why: z.string().optional(),
    rule: z.string().optional(),
    kind: z.string().optional(),
    region: z.string().optional(),
    period: z.string().optional(),
    basis: z.string().optional(),
    severity: z.string().optional(),
    direction: z.enum(["up", "down"]).optional(),
    observed: z.number().optional(),
    baseline: z.number().optional(),
    summaryContains: z.union([z.string(), z.array(z.string())]).optional(),
  })
  .strict();
type AlertPattern = z.infer<typeof AlertPattern>;

const Expected = z
  .object({
    file: z.string(),
    rules: z.string().optional(),
    written: z.string(),
    read: z.number().int(),
    rejected: z.number().int(),
    maxAlerts: z.number().int(),
    coverage: z.object({ periods: z.number(), withTotal: z.number(), matched: z.number() }).optional(),
    shares: z.array(z.object({ period: z.string(), basis: z.string().optional(), region: z.string(), share: z.number() })).optional(),
    notJudged: z.array(z.object({ region: z.string(), periods: z.number() })).optional(),
    required: z.array(AlertPattern),
    forbidden: z.array(AlertPattern),
    everyAlert: z.string().optional(),
  })
  .strict();

/** Within half a tenth of a percentage point: the precision a filing's table gives. */
const near = (a: number, b: number) => Math.abs(a - b) <= 0.0005;

function matches(a: Alert, p: AlertPattern): boolean {
  const texts = p.summaryContains === undefined ? [] : [p.summaryContains].flat();
  return (
    (p.rule === undefined || a.rule === p.rule) &&
    (p.kind === undefined || (a.kind ?? "anomaly") === p.kind) &&
    (p.region === undefined || a.region === p.region) &&
    (p.period === undefined || a.period === p.period) &&
    (p.basis === undefined || a.basis === p.basis) &&
    (p.severity === undefined || a.severity === p.severity) &&
    (p.direction === undefined || (p.direction === "up" ? a.observed > a.baseline : a.observed < a.baseline)) &&
    (p.observed === undefined || near(a.observed, p.observed)) &&
    (p.baseline === undefined || near(a.baseline, p.baseline)) &&
    texts.every((t) => a.summary.includes(t))
  );
}

/** The region's revenue over the period's reported total (or the regions' sum), straight from the clean facts. */
function shareFromFacts(
  facts: readonly RevenueClean[],
  company: string,
  period: string,
  basis: string,
  region: string,
): number | undefined {
  const rows = facts.filter((f) => f.company === company && f.fiscalPeriod === period && f.basis === basis);
  const amount = rows.find((f) => f.region === region && f.regionKind !== "total")?.revenueUsd;
  const total = rows.find((f) => f.regionKind === "total")?.revenueUsd ?? rows.reduce((s, f) => s + f.revenueUsd, 0);
  return amount === undefined || total <= 0 ? undefined : amount / total;
}

const rulesOf = (dir: string, name: string | undefined) =>
  name ? parseRulesConfig(readFileSync(join(FILINGS, dir, name), "utf8"), name) : DEFAULT_RULES;

describe("entrepot analyze on tables from company filings (fixtures with expectations written beforehand)", () => {
  const dirs = readdirSync(FILINGS, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();

  it("has the fixtures the README lists", () => {
    expect(dirs).toEqual([
      "amd-fy2025-china",
      "apple-annual",
      "broadcom-q1",
      "micron-annual-hq",
      "nvda-annual-basis-change",
      "nvda-quarterly-constructed",
    ]);
  });

  it.each(dirs)("%s: rows, shares over the reported total, coverage, not judged and the expected alerts", async (dir) => {
    const exp = Expected.parse(JSON.parse(readFileSync(join(FILINGS, dir, "expected.json"), "utf8")));
    const file = join(FILINGS, dir, exp.file);
    const rules = rulesOf(dir, exp.rules);
    const result = await analyzeFiles({ files: [file], rules, now: NOW });
    expect(result.read).toBe(exp.read);
    expect(result.problems).toHaveLength(exp.rejected);
    expect(result.files).toEqual([expect.objectContaining({ read: exp.read, rejected: exp.rejected })]);
    if (exp.coverage) expect(result.files[0]?.coverage).toMatchObject(exp.coverage);
    for (const s of exp.shares ?? []) {
      const c = result.compositions.find((x) => x.period === s.period && (x.basis ?? "billing") === (s.basis ?? "billing"));
      const part = c?.parts.find((p) => p.region === s.region);
      expect(part?.share, `${s.region} in ${s.period}`).toBeCloseTo(s.share, 3);
    }
    for (const n of exp.notJudged ?? []) {
      expect(result.notJudged.find((x) => x.region === n.region)?.periods).toHaveLength(n.periods);
    }
    expect(result.alerts.length).toBeLessThanOrEqual(exp.maxAlerts);
    for (const r of exp.required)
      expect(
        result.alerts.some((a) => matches(a, r)),
        `required: ${r.why}`,
      ).toBe(true);
    for (const f of exp.forbidden)
      expect(
        result.alerts.filter((a) => matches(a, f)).map((a) => a.alertId),
        `forbidden: ${f.why}`,
      ).toEqual([]);
    // every alert about a region's share quotes that region's revenue over the reported total of its period (to 0.1 pp)
    const facts = (await cleanFactsOf(file)).revenue;
    for (const a of result.alerts) {
      if (a.region === "TOTAL" || a.rule === "data_gap") continue;
      const basis = a.alertId.split("|")[4] ?? "billing";
      const share = shareFromFacts(facts, a.entity.company ?? "", a.period, basis, a.region);
      expect(share, a.alertId).toBeDefined();
      expect(Math.abs(a.observed - (share ?? Number.NaN)), a.alertId).toBeLessThanOrEqual(0.001);
    }
  });

  it("raises the collapse and the hub's rise in the quarter that shows them, replaying the file one quarter at a time", async () => {
    const dir = "nvda-quarterly-constructed";
    const csv = readFileSync(join(FILINGS, dir, "revenue.csv"), "utf8")
      .trimEnd()
      .split("\n");
    const [header, ...rows] = csv;
    const periods = [...new Set(rows.map((r) => r.split(",")[1] ?? ""))];
    const rules = rulesOf(dir, "rules.yaml");
    const tmp = mkdtempSync(join(tmpdir(), "filings-replay-"));
    const firstSeen = new Map<string, string>();
    for (const [k, last] of periods.entries()) {
      const keep = new Set(periods.slice(0, k + 1));
      const file = join(tmp, `upto-${last}.csv`);
      writeFileSync(file, `${[header, ...rows.filter((r) => keep.has(r.split(",")[1] ?? ""))].join("\n")}\n`);
      const { alerts } = await analyzeFiles({ files: [file], rules, now: NOW });
      for (const a of alerts) {
        if ((a.kind ?? "anomaly") !== "anomaly") continue;
        const move = `${a.region} ${a.observed > a.baseline ? "up" : "down"} ${a.period}`;
        if (!firstSeen.has(move)) firstSeen.set(move, last);
      }
    }
    // China's collapse (22.2% -> 8.8%) and Singapore above 20% are both raised by FY2024-Q4's data, as FY2024-Q4 alerts
    expect(firstSeen.get("GROUP:CN+HK down FY2024-Q4")).toBe("FY2024-Q4");
    expect(firstSeen.get("SG up FY2024-Q4")).toBe("FY2024-Q4");
    // and every anomaly is about the quarter whose data raised it (never a quarter earlier than the data that showed it)
    for (const [move, seenAt] of firstSeen) expect(move.endsWith(seenAt), move).toBe(true);
  });
});

import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ANALYZE_EXIT } from "@entrepot/offline";
import { describe, expect, it } from "vitest";
import { analyzeCommand } from "./analyze";
import { EXIT } from "./exitCodes";
import { offlineNormalize } from "./offlineNormalize";
import { NVDA_REVENUE, SG_HUB_CUSTOMS } from "./samples";
import { UsageError } from "./usage";

const run = async (args: string[], env: NodeJS.ProcessEnv = {}) => {
  const lines: string[] = [];
  const code = await analyzeCommand(args, (l) => lines.push(l), env);
  return { code, lines };
};
/** the alerts of `analyze --json` without their detection time */
const alertsOf = (lines: string[]) =>
  lines
    .map((l) => JSON.parse(l) as { alertId?: string; detectedAt?: string })
    .filter((a) => a.alertId !== undefined)
    .map(({ detectedAt: _, ...a }) => a);

describe("entrepot analyze --json", () => {
  it("uses the CLI's exit code table", () => {
    expect(ANALYZE_EXIT.noUsableRow).toBe(EXIT.noUsableRow);
    expect(ANALYZE_EXIT.nothingRead).toBe(EXIT.noUsableRow);
  });

  it("carries one summary per file before the alerts, and exits 4 when a file yields no usable row", async () => {
    const dir = mkdtempSync(join(tmpdir(), "analyze-cli-"));
    const bad = join(dir, "bad.csv");
    writeFileSync(bad, "company,fiscal_period,region,revenue\nNVDA,Q5 2025,Singapore,1\nNVDA,FY2025-Q1,Singapore,lots\n");
    const lines: string[] = [];
    expect(await analyzeCommand([bad, "--json"], (l) => lines.push(l))).toBe(ANALYZE_EXIT.noUsableRow);
    expect(lines.map((l) => JSON.parse(l))).toEqual([expect.objectContaining({ type: "summary", file: "bad.csv", rejected: 2 })]);
    const good: string[] = [];
    expect(await analyzeCommand([NVDA_REVENUE, "--json"], (l) => good.push(l))).toBe(ANALYZE_EXIT.ok);
    const parsed = good.map((l) => JSON.parse(l) as { type?: string; alertId?: string });
    expect(parsed[0]).toMatchObject({ type: "summary", file: "nvda-revenue.csv", read: 61, clean: 60, rejected: 1 });
    expect(parsed.filter((p) => p.alertId !== undefined).length).toBeGreaterThan(0);
  });

  it("reads `entrepot normalize --out` output: normalize then analyze gives the alerts of analyzing the files", async () => {
    const dir = mkdtempSync(join(tmpdir(), "analyze-pipe-"));
    const dumps = [join(dir, "revenue.jsonl"), join(dir, "customs.jsonl")];
    await offlineNormalize({ file: NVDA_REVENUE, out: dumps[0] as string, rejects: join(dir, "r1.jsonl") }, {});
    await offlineNormalize({ file: SG_HUB_CUSTOMS, out: dumps[1] as string, rejects: join(dir, "r2.jsonl") }, {});
    const direct = await run([NVDA_REVENUE, SG_HUB_CUSTOMS, "--json"]);
    const piped = await run([...dumps, "--json"]);
    expect(piped.code).toBe(0);
    expect(alertsOf(piped.lines).length).toBeGreaterThan(4);
    expect(alertsOf(piped.lines)).toEqual(alertsOf(direct.lines));
    expect(piped.lines.map((l) => JSON.parse(l) as { type?: string }).filter((x) => x.type === "summary")).toEqual([
      expect.objectContaining({ file: "revenue.jsonl", read: 60, clean: 60, rejected: 0 }),
      expect.objectContaining({ file: "customs.jsonl", read: 145, clean: 145, rejected: 0 }),
    ]);
  });

  it("takes --fx (over ENTREPOT_FX_TO_USD), --basis, --format and refuses malformed values as usage errors", async () => {
    const dir = mkdtempSync(join(tmpdir(), "analyze-flags-"));
    const eur = join(dir, "eur.csv");
    writeFileSync(
      eur,
      "company,fiscal_period,region,revenue,scale,currency\nASML,FY2024-Q3,Taiwan,2,billions,EUR\nASML,FY2024-Q3,China,3,billions,EUR\nASML,FY2024-Q3,Japan,1000,billions,JPY\n",
    );
    expect((await run([eur])).lines.join("\n")).toMatch(/^read 3: clean 0, rejected 3$/m);
    const flagged = (await run([eur, "--fx", "EUR=1.1,JPY=0.0011"])).lines.join("\n");
    expect(flagged).toMatch(/^read 3: clean 3, rejected 0$/m);
    expect(flagged).toMatch(/FY2024-Q3 +50\.0% +33\.3% +16\.7%/);
    // the flag adds to the variable's rates and wins where both name a currency
    const both = (await run([eur, "--fx", "JPY=0.0011"], { ENTREPOT_FX_TO_USD: "EUR=1.1,JPY=1" })).lines.join("\n");
    expect(both).toMatch(/FY2024-Q3 +50\.0% +33\.3% +16\.7%/);
    const hq = await run([NVDA_REVENUE, "--basis", "headquarters", "--json"]);
    // the sample has a basis column (billing): --basis is only the default for rows without one
    expect(alertsOf(hq.lines).every((a) => !a.alertId?.endsWith("|headquarters"))).toBe(true);
    const noBasis = await run([eur, "--fx", "EUR=1.1,JPY=0.0011", "--basis", "headquarters"]);
    expect(noBasis.lines.join("\n")).toContain("shares of company=ASML;basis=headquarters");
    const customsAsRevenue = await run([SG_HUB_CUSTOMS, "--format", "revenue-csv", "--json"]);
    expect(customsAsRevenue.code).toBe(ANALYZE_EXIT.noUsableRow);
    await expect(run([eur, "--fx", "EUR"])).rejects.toThrow(UsageError);
    await expect(run([eur, "--fx", "EUR"])).rejects.toThrow(/--fx: expected CUR=rate pairs/);
    await expect(run([eur, "--basis", "moon"])).rejects.toThrow(/--basis: expected one of billing, shipping/);
    await expect(run([eur, "--format", "nope"])).rejects.toThrow(/--format: unknown layout "nope"/);
  });
});

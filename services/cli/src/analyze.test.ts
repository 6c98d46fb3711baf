import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ANALYZE_EXIT } from "@entrepot/offline";
import { describe, expect, it } from "vitest";
import { analyzeCommand } from "./analyze";
import { EXIT } from "./exitCodes";
import { NVDA_REVENUE } from "./samples";

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
});

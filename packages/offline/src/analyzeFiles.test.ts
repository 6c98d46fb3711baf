import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadRulesFile } from "@entrepot/detect";
import { parseMapping } from "@entrepot/normalize";
import { Alert } from "@entrepot/schemas";
import { describe, expect, it } from "vitest";
import { ANALYZE_EXIT, analyzeExitCode, analyzeFiles, formatAnalysis } from "./analyzeFiles";
import { cleanFactsOf } from "./cleanFacts";
import { normalizeFile } from "./normalizeFile";

/** The CLI's samples (services/cli/samples/README.md): NVDA's revenue by billing region, the constructed Singapore-hub customs, the demo's watch list. */
const samples = join(import.meta.dirname, "../../../services/cli/samples");
const SAMPLE = join(samples, "nvda-revenue.csv");
const SG_HUB_CUSTOMS = join(samples, "sg-hub-customs.csv");
const watchRules = () => loadRulesFile(join(samples, "demo-rules.yaml"));

describe("entrepot analyze (offline: normalize + detect, no infrastructure)", () => {
  it("finds Singapore's share shift and its sustained climb in the sample, and rejects the malformed row", async () => {
    const result = await analyzeFiles({ files: [SAMPLE], now: "2026-01-01T00:00:00.000Z" });
    expect(result).toMatchObject({ read: 61, clean: 60 });
    expect(result.problems).toEqual([expect.objectContaining({ file: "nvda-revenue.csv", reason: "bad_number" })]);
    // Singapore's jump is a share shift; its climb, and the matching declines of Taiwan and China
    // and the rise of the US (6-9 pp each over two years), are sustained level shifts
    expect(result.alerts.map((a) => a.alertId).sort()).toEqual([
      "level_shift|NVDA|GROUP:CN+HK|FY2024-Q1",
      "level_shift|NVDA|SG|FY2024-Q1",
      "level_shift|NVDA|TW|FY2024-Q1",
      "level_shift|NVDA|US|FY2024-Q1",
      "share_shift_yoy|NVDA|SG|FY2025-Q3",
    ]);
    // the level shift keeps its onset in its id, but its period is the quarter whose data last updated it and the text
    // says which figure is that quarter's share (19.0%) and which a multi-quarter level (9.0%, 18.5%)
    const level = result.alerts.find((a) => a.alertId === "level_shift|NVDA|SG|FY2024-Q1");
    expect(level).toMatchObject({
      period: "FY2025-Q4",
      onset: "FY2024-Q1",
      observed: expect.closeTo(0.19, 3),
      baseline: expect.closeTo(0.09, 3),
    });
    expect(level?.summary).toMatch(
      /^Singapore's share of NVDA revenue was 19\.0% in FY2025-Q4 \(that quarter\), against a 9\.0% level over FY2023-Q1\.\.FY2023-Q4 \(median of 4 quarters\): one sustained shift up starting FY2024-Q1, to a level of 18\.5% \(median of FY2025-Q1\.\.FY2025-Q4\), \+9\.5 pp between the levels/,
    );
    for (const a of result.alerts) expect(Alert.parse(a)).toEqual(a);
    const shift = result.alerts.find((a) => a.rule === "share_shift_yoy");
    expect(shift?.summary).toMatch(
      /^Singapore's share of NVDA revenue rose to 22\.0% in FY2025-Q3 from 13\.0% in FY2024-Q3 \(\+9\.0 pp: Singapore revenue x\d\.\d, total x\d\.\d\); robust z = \d\.\d against the previous 6 year-on-year changes; revenue by customer billing location\. It was 9\.0% in FY2023-Q3\.$/,
    );
    const text = formatAnalysis(result);
    expect(text).toContain("shares of company=NVDA");
    expect(text).toMatch(/FY2025-Q3 .* 22\.0% +0\.225$/m);
  });

  it("reads a JSON-lines dump of clean records and gives the same alerts", async () => {
    const fromCsv = await analyzeFiles({ files: [SAMPLE], now: "2026-01-01T00:00:00.000Z" });
    const lines = (await cleanFactsOf(SAMPLE)).revenue.map((r) => JSON.stringify(r));
    const file = join(mkdtempSync(join(tmpdir(), "analyze-")), "clean.jsonl");
    writeFileSync(file, `${lines.join("\n")}\n`);
    const fromClean = await analyzeFiles({ files: [file], now: "2026-01-01T00:00:00.000Z" });
    expect(fromClean.alerts).toEqual(fromCsv.alerts);
  });

  it("reads what normalizeFile writes (envelopes, one file per feed) and gives the same alerts as the feed files", async () => {
    const now = "2026-01-01T00:00:00.000Z";
    const dir = mkdtempSync(join(tmpdir(), "analyze-envelopes-"));
    const dumps: string[] = [];
    for (const [i, file] of [SAMPLE, SG_HUB_CUSTOMS].entries()) {
      const out = join(dir, `clean-${i}.jsonl`);
      await normalizeFile({ file, out, rejects: join(dir, `rejects-${i}.jsonl`) });
      dumps.push(out);
    }
    const fromCsv = await analyzeFiles({ files: [SAMPLE, SG_HUB_CUSTOMS], rules: watchRules(), now });
    const fromDumps = await analyzeFiles({ files: dumps, rules: watchRules(), now });
    expect(fromDumps).toMatchObject({ read: 60 + 145, clean: 60 + 145, customs: 145, problems: [] });
    expect(fromDumps.alerts.length).toBeGreaterThan(5);
    expect(fromDumps.alerts).toEqual(fromCsv.alerts);
    expect(fromDumps.compositions).toEqual(fromCsv.compositions);
    // a broken line of an envelope file is a schema_violation naming the line, the rest is read
    const broken = join(dir, "broken.jsonl");
    writeFileSync(broken, `${readFileSync(dumps[0] as string, "utf8")}{"feed":"revenue","key":"k","value":{"company":"NVDA"}}\nnot json\n`);
    const partial = await analyzeFiles({ files: [broken], now });
    expect(partial.problems).toEqual([
      expect.objectContaining({ file: "broken.jsonl", line: 61, reason: "schema_violation" }),
      expect.objectContaining({ file: "broken.jsonl", line: 62, reason: "schema_violation", message: "not JSON" }),
    ]);
    expect(partial.clean).toBe(60);
  });

  it("reads feed files with the feed, layout, mapping and default basis given", async () => {
    const now = "2026-01-01T00:00:00.000Z";
    const dir = mkdtempSync(join(tmpdir(), "analyze-reading-"));
    // the sample with other column names and no basis column, read through a mapping
    const [header, ...rows] = readFileSync(SAMPLE, "utf8").trim().split("\n");
    const renamed = (header as string)
      .replace("company,fiscal_period,region,revenue", "ticker,quarter,area,sales")
      .replace(",basis", ",kind");
    const file = join(dir, "renamed.csv");
    writeFileSync(file, `${[renamed, ...rows.map((r) => r.replace(",billing,", ",x,"))].join("\n")}\n`);
    const mapping = parseMapping({
      name: "renamed",
      feed: "revenue",
      columns: {
        company: "ticker",
        fiscal_period: "quarter",
        region: "area",
        revenue: "sales",
        scale: "scale",
        reported_at: "reported_at",
      },
    });
    const plain = await analyzeFiles({ files: [file], now });
    expect(plain.clean).toBe(0);
    const mapped = await analyzeFiles({ files: [file], now, reading: { mapping } });
    const csv = await analyzeFiles({ files: [SAMPLE], now });
    expect(mapped.clean).toBe(60);
    expect(mapped.alerts.map((a) => a.alertId)).toEqual(csv.alerts.map((a) => a.alertId));
    const hq = await analyzeFiles({ files: [file], now, reading: { mapping }, normalize: { defaultBasis: "headquarters" } });
    expect(hq.alerts.map((a) => a.alertId)).toEqual(csv.alerts.map((a) => `${a.alertId}|headquarters`));
    for (const a of hq.alerts) expect(a.summary).toContain("revenue by customer headquarters location");
    // a file of the other feed is rejected as a whole when the feed is given
    const wrongFeed = await analyzeFiles({ files: [SAMPLE], now, reading: { feed: "customs" } });
    expect(wrongFeed.clean).toBe(0);
    expect(wrongFeed.problems[0]?.reason).toBe("unknown_format");
  });

  it("reads customs files too: mirror gap, re-export surge, and with a watch list billing-vs-shipping divergence and corroboration", async () => {
    const customsFile = SG_HUB_CUSTOMS;
    const result = await analyzeFiles({ files: [SAMPLE, customsFile], rules: watchRules(), now: "2026-01-01T00:00:00.000Z" });
    expect(result).toMatchObject({ read: 61 + 145, clean: 60 + 145, customs: 145 });
    const ids = result.alerts.map((a) => a.alertId);
    expect(ids).toEqual(
      expect.arrayContaining([
        "billing_shipping_divergence|NVDA|SG|FY2025-Q3",
        "corroboration|NVDA|SG|FY2025-Q3",
        "mirror_gap|854231+SG+TW|SG|2024-08",
        "reexport_surge|854231+847330+847180+MY|CN+HK+MO+RU|2024-05",
        "share_shift_yoy|NVDA|SG|FY2025-Q3",
      ]),
    );
    expect(result.alerts.find((a) => a.rule === "corroboration")?.summary).toContain("consistent with an invoicing hub");
    // without a watch list, customs alone gives the customs rules and the revenue alerts are unchanged
    const plain = await analyzeFiles({ files: [SAMPLE, customsFile], now: "2026-01-01T00:00:00.000Z" });
    expect(plain.alerts.filter((a) => a.entity.company).map((a) => a.alertId)).toEqual(
      (await analyzeFiles({ files: [SAMPLE], now: "2026-01-01T00:00:00.000Z" })).alerts.map((a) => a.alertId),
    );
    expect(formatAnalysis(result)).toContain("(customs 145)");
  });

  it("says what it rejected and exits 4 when a file yields no usable row; --json carries one summary per file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "analyze-"));
    const bad = join(dir, "bad.csv");
    writeFileSync(bad, "company,fiscal_period,region,revenue\nNVDA,Q5 2025,Singapore,1\nNVDA,FY2025-Q1,Singapore,lots\n");
    const result = await analyzeFiles({ files: [SAMPLE, bad], now: "2026-01-01T00:00:00.000Z" });
    expect(result.files).toEqual([
      expect.objectContaining({ type: "summary", file: "nvda-revenue.csv", read: 61, clean: 60, rejected: 1, byReason: { bad_number: 1 } }),
      expect.objectContaining({
        type: "summary",
        file: "bad.csv",
        read: 2,
        clean: 0,
        rejected: 2,
        byReason: { bad_fiscal_period: 1, bad_number: 1 },
      }),
    ]);
    expect(analyzeExitCode(result)).toBe(ANALYZE_EXIT.noUsableRow);
    expect(formatAnalysis(result)).toContain("bad.csv yielded no usable row");
  });
});

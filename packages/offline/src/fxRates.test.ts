import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { rawRecordOf, readFeed } from "@entrepot/feeds";
import {
  decodeRawRecord,
  MemoryRevisionStore,
  NormalizeEnv,
  type NormalizeOptions,
  NormalizeStage,
  normalizeOptions,
} from "@entrepot/normalize";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { analyzeFiles } from "./analyzeFiles";
import { normalizeFile } from "./normalizeFile";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "entrepot-fx-"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** What the normalizer service does with a file's rows: raw records as the ingestor publishes them, decoded from the topic's JSON, through the stage. */
async function streamed(file: string, options: NormalizeOptions): Promise<Record<string, number>> {
  const stage = new NormalizeStage({ revisions: new MemoryRevisionStore(), normalize: options });
  const usd: Record<string, number> = {};
  for await (const row of readFeed(file)) {
    if (row.kind !== "record") continue;
    const message = JSON.stringify(rawRecordOf(row, { source: "s", file: "s", ingestRun: "run" }));
    for (const o of await stage.process([decodeRawRecord(message)])) {
      if (o.outcome !== "clean") throw new Error(`line ${row.line}: ${o.outcome === "rejected" ? o.reason : o.outcome}`);
      usd[o.key] = o.fact.feed === "revenue" ? o.fact.record.revenueUsd : o.fact.record.valueUsd;
    }
    await stage.commit();
  }
  return usd;
}

describe("offline normalize and analyze apply the FX rates the streaming normalizer applies", () => {
  // one option object, parsed from the normalizer service's setting, handed to every path
  const options = normalizeOptions(NormalizeEnv.parse({ ENTREPOT_FX_TO_USD: "EUR=1.1,TWD=0.03" }));

  it("gives the same USD figures on all three paths, and rejects the rows as bad_currency without the rates", async () => {
    const revenue = join(dir, "eur-revenue.csv");
    await writeFile(
      revenue,
      [
        "company,fiscal_period,region,revenue,scale,currency,reported_at",
        "ASML,FY2024-Q3,Taiwan,2,billions,EUR,2024-10-16",
        "ASML,FY2024-Q3,China,3,billions,EUR,2024-10-16",
      ].join("\n"),
    );
    const customs = join(dir, "twd-customs.csv");
    await writeFile(customs, "reporter,partner,flow,hs_code,period,value,scale,currency\nTW,SG,X,854231,2024-07,2,thousands,TWD\n");

    const expected = { ...(await streamed(revenue, options)), ...(await streamed(customs, options)) };
    expect(Object.values(expected).map((v) => Math.round(v))).toEqual([2.2e9, 3.3e9, 60]);

    const offline: Record<string, number> = {};
    for (const file of [revenue, customs]) {
      const out = join(dir, "clean.jsonl");
      const report = await normalizeFile({ file, out, rejects: join(dir, "rejects.jsonl"), normalize: options });
      expect(report.rejected).toBe(0);
      for (const line of (await readFile(out, "utf8")).trim().split("\n")) {
        const { key, value } = JSON.parse(line) as { key: string; value: { revenueUsd?: number; valueUsd?: number } };
        offline[key] = value.revenueUsd ?? value.valueUsd ?? Number.NaN;
      }
    }
    expect(offline).toEqual(expected);

    const analyzed = await analyzeFiles({ files: [revenue, customs], normalize: options, now: "2026-01-01T00:00:00.000Z" });
    expect(analyzed).toMatchObject({ read: 3, clean: 3, problems: [] });
    const [composition] = analyzed.compositions;
    const [tw, cn] = [expected["ASML|FY2024-Q3|TW"] as number, expected["ASML|FY2024-Q3|CN"] as number];
    expect(composition?.total).toBe(tw + cn);
    expect(composition?.parts.map((p) => [p.region, p.amount])).toEqual(
      expect.arrayContaining([
        ["TW", tw],
        ["CN", cn],
      ]),
    );

    // the same files without the rates: every converted row is a bad_currency dead letter
    const without = await normalizeFile({ file: revenue, out: join(dir, "x.jsonl"), rejects: join(dir, "x.rejects.jsonl") });
    expect(without).toMatchObject({ clean: 0, rejected: 2, byReason: { bad_currency: 2 } });
    const plain = await analyzeFiles({ files: [revenue, customs] });
    expect(plain.problems.map((p) => p.reason)).toEqual(["bad_currency", "bad_currency", "bad_currency"]);
  });
});

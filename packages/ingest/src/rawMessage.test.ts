import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { type ReadFeedOptions, rawRecordOf, readFeed, readMappingFile } from "@entrepot/feeds";
import { type NormalizeOptions, naturalKey, normalizeRecord } from "@entrepot/normalize";
import { type RawRecord, rawRecordKey } from "@entrepot/schemas";
import { afterAll, describe, expect, it } from "vitest";
import { rawMessage } from "./rawMessage";

const repo = resolve(import.meta.dirname, "../../..");
const hostile = join(repo, "packages/feeds/fixtures/hostile");
const filings = join(repo, "packages/detect/fixtures/filings");
const tmp = mkdtempSync(join(tmpdir(), "entrepot-raw-keys-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A Taiwan MOF export in the layout the shipped mapping reads (Chinese header, ROC years, USD thousands), two revisions of 2024. */
function taiwanFile(): string {
  const file = join(tmp, "tw-mof.csv");
  writeFileSync(
    file,
    "進出口別,日期,貨品號列,中文貨名,英文貨名,美元(千元)\n" +
      '出口總值(含復出口),113年,85423100002,處理器及控制器, Processors and controllers,"1,194,720.78"\n' +
      "進口總值(含復進口),113年,85423100002,處理器及控制器, Processors and controllers,12.5\n" +
      '出口總值(含復出口),113年,85423100002,處理器及控制器, Processors and controllers,"1,200,000"\n' +
      "出口總值(含復出口),113年,8542A,x, bad code,1\n",
  );
  return file;
}

/** Every feed file of the repository with the options it is read with: samples, filings fixtures, the hostile corpus, a mapped layout. */
function corpus(): [string, ReadFeedOptions][] {
  const expected = JSON.parse(readFileSync(join(hostile, "expected.json"), "utf8")) as Record<string, { options?: ReadFeedOptions }>;
  const mapping = readMappingFile(join(repo, "packages/normalize/fixtures/mappings/taiwan-mof-exports.json"));
  return [
    [join(repo, "services/cli/samples/nvda-revenue.csv"), {}],
    [join(repo, "services/cli/samples/sg-hub-customs.csv"), {}],
    ...readdirSync(filings, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d): [string, ReadFeedOptions] => [join(filings, d.name, "revenue.csv"), {}]),
    ...Object.entries(expected).map(([name, e]): [string, ReadFeedOptions] => [join(hostile, name), e.options ?? {}]),
    [taiwanFile(), { mapping }],
  ];
}

/** What the ingest has (no FX rate) and what a normalizer may have (rates for every currency the rows use). */
const INGEST: NormalizeOptions = {};
const NORMALIZER: NormalizeOptions = { fxToUsd: { EUR: 1.08, TWD: 0.031 } };

/** The row as read, and the same row in a currency the ingest has no rate for (EUR revenue, TWD customs). */
const variants = (raw: RawRecord): RawRecord[] => [
  raw,
  { ...raw, fields: { ...raw.fields, currency: raw.feed === "revenue" ? "EUR" : "TWD" } },
];

describe("rawMessage: the raw messages the ingest publishes for the repository's feed files", () => {
  it("are keyed by the clean key of every row that normalizes (with or without the FX rates), by file:line only when none does", async () => {
    const seen = { files: 0, rows: 0, published: 0, onlyWithRates: 0, unkeyed: 0 };
    for (const [file, options] of corpus()) {
      seen.files += 1;
      for await (const row of readFeed(file, options)) {
        if (row.kind !== "record") continue;
        for (const raw of variants(rawRecordOf(row, { source: "corpus", file: "corpus.csv", ingestRun: "run" }))) {
          seen.rows += 1;
          const message = rawMessage(raw, { h: "1" });
          expect(message).toMatchObject({ topic: raw.feed === "revenue" ? "revenueRaw" : "customsRaw", value: raw, headers: { h: "1" } });
          const atIngest = normalizeRecord(raw, INGEST);
          const atNormalizer = normalizeRecord(raw, NORMALIZER);
          for (const r of [atIngest, atNormalizer]) if (r.ok) expect(message.key, `${file}:${row.line}`).toBe(naturalKey(r.record));
          if (atNormalizer.ok) seen.published += 1;
          if (atNormalizer.ok && !atIngest.ok) seen.onlyWithRates += 1;
          if (message.key === rawRecordKey(raw)) {
            seen.unkeyed += 1;
            expect(atNormalizer.ok, `${file}:${row.line}`).toBe(false);
          }
        }
      }
    }
    expect(seen.files).toBeGreaterThan(55);
    expect(seen.published).toBeGreaterThan(800);
    // the rows a normalizer with FX rates publishes and the ingest could not normalize are keyed the same way
    expect(seen.onlyWithRates).toBeGreaterThan(400);
    expect(seen.unkeyed).toBeGreaterThan(15);
  });
});

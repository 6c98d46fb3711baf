import { once } from "node:events";
import { createWriteStream } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseMapping } from "@entrepot/normalize";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFeed, type SourceRow } from "./feedReader";
import { rawRecordOf, readMappingFile } from "./rawRecords";
import { detectDelimiter, sniffBytes } from "./sniff";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "entrepot-feed-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function collect(file: string, options = {}): Promise<SourceRow[]> {
  const rows: SourceRow[] = [];
  for await (const row of readFeed(file, options)) rows.push(row);
  return rows;
}

const HEADER = "reporter,partner,flow,hs_code,period,value\n";

describe("readFeed", () => {
  it("rejects a 100 MB single line with record_too_large and reads on", async () => {
    const file = join(dir, "huge-line.csv");
    const out = createWriteStream(file);
    out.write(`${HEADER}SG,CN,X,854231,2024-07,`);
    const mb = Buffer.alloc(1024 * 1024, "9");
    for (let i = 0; i < 100; i++) if (!out.write(mb)) await once(out, "drain");
    out.end("\nSG,HK,X,854231,2024-07,5\n");
    await once(out, "finish");
    const rows = await collect(file);
    expect(rows.map((r) => (r.kind === "record" ? `record@${r.line}` : `${r.reason}@${r.line}`))).toEqual([
      "record_too_large@2",
      "record@3",
    ]);
    const problem = rows[0];
    if (problem?.kind !== "problem") throw new Error("expected a problem first");
    expect(problem.message).toMatch(/more than the 1048576-byte cap/);
    expect(problem.raw.length).toBeLessThanOrEqual(501);
  });

  it("rejects a row with invalid UTF-8 after the sniffed sample as bad_encoding", async () => {
    const file = join(dir, "late-bad-bytes.csv");
    const good = "SG,CN,X,854231,2024-07,1\n".repeat(4000); // ~100 KB, beyond the 64 KB sample
    await writeFile(file, Buffer.concat([Buffer.from(HEADER + good), Buffer.from("SG,C\xffN,X,854231,2024-07,1\n", "latin1")]));
    const rows = await collect(file);
    expect(rows).toHaveLength(4001);
    expect(rows.at(-1)).toMatchObject({ kind: "problem", reason: "bad_encoding", line: 4002 });
  });

  it("reads any other layout through a mapping file", async () => {
    const file = join(dir, "tw.csv");
    await writeFile(
      file,
      "\ufeffYear,Country,HS Code,Description,Export Value (USD)\n2013,中國大陸,85423100002, Processors,346793192.12\n",
    );
    const mapping = parseMapping({
      name: "tw-by-country",
      feed: "customs",
      columns: { period: "Year", partner: "Country", hs_code: "HS Code", value: "Export Value (USD)" },
      constants: { reporter: "TW", flow: "export" },
    });
    const rows = await collect(file, { mapping });
    expect(rows).toEqual([
      {
        kind: "record",
        line: 2,
        feed: "customs",
        format: "mapping:tw-by-country",
        fields: { reporter: "TW", flow: "export", period: "2013", partner: "中國大陸", hs_code: "85423100002", value: "346793192.12" },
      },
    ]);
    const missing = await collect(file, { mapping: { ...mapping, columns: { ...mapping.columns, quantity: "Qty" } } });
    expect(missing).toMatchObject([{ kind: "problem", reason: "unknown_format", line: 1 }]);
  });
});

describe("mapping a national customs layout (Chinese header, ROC years, USD thousands)", () => {
  it("reads a Taiwan MOF export through the shipped mapping file and normalizes it", async () => {
    const { normalizeRecord } = await import("@entrepot/normalize");
    const mapping = readMappingFile(join(import.meta.dirname, "../../normalize/fixtures/mappings/taiwan-mof-exports.json"));
    const file = join(dir, "tw-mof.csv");
    await writeFile(
      file,
      '進出口別,日期,貨品號列,中文貨名,英文貨名,美元(千元)\n出口總值(含復出口),113年,85423100002,處理器及控制器, Processors and controllers,"1,194,720.78"\n出口總值(含復出口),113年,8542A,x, bad code,1\n',
    );
    const rows = await collect(file, { mapping });
    const results = rows.map((row) =>
      row.kind === "record" ? normalizeRecord(rawRecordOf(row, { source: "t", file, ingestRun: "r" })) : null,
    );
    expect(results[0]).toMatchObject({
      ok: true,
      record: {
        record: {
          reporter: "TW",
          partner: "GROUP:WORLD",
          flow: "export",
          period: "2024",
          hsCode: "85423100002",
          hs6: "854231",
          valueUsd: 1_194_720_780,
        },
      },
    });
    expect(results[1]).toMatchObject({ ok: false, problem: { reason: "bad_hs_code" } });
  });
});

describe("bytes read (for progress)", () => {
  it("reports a growing byte count that ends at the file size, BOM included, for CSV, JSON lines and documents", async () => {
    const csv = join(dir, "bytes.csv");
    const rows = Array.from({ length: 20_000 }, (_, i) => `SG,CN,X,854231,2024-07,${i}`).join("\n");
    await writeFile(csv, `\uFEFFreporter,partner,flow,hs_code,period,value\n${rows}\n`);
    const jsonl = join(dir, "bytes.jsonl");
    await writeFile(jsonl, '{"reporter":"SG","partner":"CN","flow":"X","hs_code":"854231","period":"2024-07","value":1}\n');
    const doc = join(dir, "bytes.json");
    await writeFile(doc, '[["CTY_CODE","CTY_NAME","ALL_VAL_MO","time"],["5830","TAIWAN","1","2024-07"]]');
    for (const file of [csv, jsonl, doc]) {
      const seen: number[] = [];
      await collect(file, { onBytesRead: (b: number) => seen.push(b) });
      const size = (await readFile(file)).length;
      expect(seen.at(-1)).toBe(size);
      expect(seen.every((b, i) => i === 0 || b >= (seen[i - 1] as number))).toBe(true);
    }
  });
});

describe("provenance lines", () => {
  it.each([
    ["embedded-newline.csv", ["record@2", "record@4"]],
    ["blank-lines.csv", ["record@3", "record@6"]],
    ["stray-quote.csv", ["record@2", "csv_parse_error@3", "record@4"]],
    ["ragged-short.csv", ["column_count@2", "record@3"]],
  ])("%s: rows carry the physical line they start on, in file order", async (name, expected) => {
    const rows = await collect(join(import.meta.dirname, "../fixtures/hostile", name));
    expect(rows.map((r) => (r.kind === "record" ? `record@${r.line}` : `${r.reason}@${r.line}`))).toEqual(expected);
  });
});

describe("sniffing", () => {
  it("detects BOM, Windows-1252 and binary content", () => {
    expect(sniffBytes(Buffer.from("\ufeffa,b\n"))).toEqual({ bomBytes: 3, encoding: "utf-8", binary: false });
    expect(sniffBytes(Buffer.from("caf\xe9\n", "latin1"))).toMatchObject({ encoding: "windows-1252", binary: false });
    expect(sniffBytes(Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x00]))).toMatchObject({ binary: true });
    // a multi-byte character cut at the end of the sample is not an encoding error
    expect(sniffBytes(Buffer.from("Türkiye").subarray(0, 2))).toMatchObject({ encoding: "utf-8" });
  });
  it("picks the delimiter of the header line", () => {
    expect(detectDelimiter("a,b,c")).toBe(",");
    expect(detectDelimiter("a;b;c")).toBe(";");
    expect(detectDelimiter("a\tb\tc")).toBe("\t");
    expect(detectDelimiter('"a;b",c')).toBe(",");
    expect(detectDelimiter("single")).toBe(",");
  });
});

import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { normalizeFile } from "./normalizeFile";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "entrepot-offline-"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe("entrepot normalize (offline)", () => {
  it("applies revisions and duplicates like the pipeline and reconciles read = clean + rejected + duplicates", async () => {
    const file = join(dir, "revisions.csv");
    await writeFile(
      file,
      [
        "reporter,partner,flow,hs_code,period,value,reported_at",
        "SG,CN,X,854231,2024-07,100,2024-09-01",
        "SG,CN,X,854231,2024-07,100,2024-09-01",
        "SG,CN,X,854231,2024-07,120,2024-10-01",
        "SG,CN,X,854231,2024-07,90,2024-08-01",
        "SG,HK,X,854231,2024-07,oops,2024-09-01",
        "SG,HK,X,854231",
      ].join("\n"),
    );
    const out = join(dir, "clean.jsonl");
    const rejects = join(dir, "rejects.jsonl");
    const report = await normalizeFile({ file, out, rejects });
    expect(report).toEqual({
      read: 6,
      clean: 2,
      rejected: 3,
      duplicates: 1,
      byReason: { stale_revision: 1, bad_number: 1, column_count: 1 },
    });
    const clean = (await readFile(out, "utf8"))
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(clean.map((c) => [c.key, c.value.valueUsd, c.value.asOf])).toEqual([
      ["SG|CN|export|854231|2024-07|-|-|-|HS", 100, "2024-09-01"],
      ["SG|CN|export|854231|2024-07|-|-|-|HS", 120, "2024-10-01"],
    ]);
    const dead = (await readFile(rejects, "utf8"))
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(dead.map((d) => [d.stage, d.reason, d.provenance.line])).toEqual([
      ["normalize", "stale_revision", 5],
      ["normalize", "bad_number", 6],
      ["ingest", "column_count", 7],
    ]);
  });
});

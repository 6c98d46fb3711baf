import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError } from "@entrepot/runtime";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { analyzeCommand } from "./analyze";
import { offlineNormalize } from "./offlineNormalize";

let dir: string;
let file: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "entrepot-cli-fx-"));
  file = join(dir, "eur.csv");
  await writeFile(
    file,
    "company,fiscal_period,region,revenue,scale,currency\nASML,FY2024-Q3,Taiwan,2,billions,EUR\nASML,FY2024-Q3,China,3,billions,EUR\n",
  );
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const normalize = (env: NodeJS.ProcessEnv) =>
  offlineNormalize({ file, out: join(dir, "clean.jsonl"), rejects: join(dir, "rejects.jsonl") }, env);

describe("entrepot normalize / analyze take the normalizer's ENTREPOT_FX_TO_USD", () => {
  it("normalize converts with the configured rates, rejects without them, and refuses a malformed setting", async () => {
    expect(await normalize({ ENTREPOT_FX_TO_USD: "EUR=1.1" })).toMatchObject({ clean: 2, rejected: 0 });
    const usd = (await readFile(join(dir, "clean.jsonl"), "utf8"))
      .trim()
      .split("\n")
      .map((l) => Math.round((JSON.parse(l) as { value: { revenueUsd: number } }).value.revenueUsd));
    expect(usd).toEqual([2.2e9, 3.3e9]);
    expect(await normalize({})).toMatchObject({ clean: 0, rejected: 2, byReason: { bad_currency: 2 } });
    await expect(normalize({ ENTREPOT_FX_TO_USD: "EUR" })).rejects.toThrow(ConfigError);
    await expect(normalize({ ENTREPOT_FX_TO_USD: "EUR" })).rejects.toThrow(/ENTREPOT_FX_TO_USD: expected CUR=rate pairs/);
  });

  it("analyze shares the converted amounts with the rates, and reports the rows rejected without them", async () => {
    const run = async (env: NodeJS.ProcessEnv) => {
      const out: string[] = [];
      const code = await analyzeCommand([file], (l) => out.push(l), env);
      return { code, text: out.join("\n") };
    };
    const converted = await run({ ENTREPOT_FX_TO_USD: "EUR=1.1" });
    expect(converted.code).toBe(0);
    expect(converted.text).toMatch(/^read 2: clean 2, rejected 0$/m);
    expect(converted.text).toMatch(/FY2024-Q3 +60\.0% +40\.0%/);
    const plain = await run({});
    expect(plain.text).toMatch(/^read 2: clean 0, rejected 2$/m);
    expect(plain.text).toContain("rejected eur.csv:2 bad_currency");
  });
});

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { normalizeRecord } from "@entrepot/normalize";
import { describe, expect, it } from "vitest";
import { type FeedLayout, type ReadFeedOptions, readFeed } from "./feedReader";
import { rawRecordOf } from "./rawRecords";

interface Expected {
  read: number;
  clean: number;
  rejected: Record<string, number>;
  format?: string;
  container?: string;
  encoding?: string;
  options?: Pick<ReadFeedOptions, "feed" | "format" | "maxRecordBytes">;
}

const dir = join(import.meta.dirname, "../fixtures/hostile");
const corpus = JSON.parse(readFileSync(join(dir, "expected.json"), "utf8")) as Record<string, Expected>;

/** Reads a file and normalizes what it yields: the outcome of both stages, as the pipeline would count it. */
async function outcome(file: string, options: ReadFeedOptions = {}) {
  let layout: FeedLayout | undefined;
  const result = { read: 0, clean: 0, rejected: {} as Record<string, number> };
  for await (const row of readFeed(file, { ...options, onLayout: (l) => (layout = l) })) {
    result.read += 1;
    let reason: string | undefined;
    if (row.kind === "problem") reason = row.reason;
    else {
      const r = normalizeRecord(rawRecordOf(row, { source: "corpus", file, ingestRun: "corpus" }));
      if (r.ok) result.clean += 1;
      else reason = r.problem.reason;
    }
    if (reason) result.rejected[reason] = (result.rejected[reason] ?? 0) + 1;
  }
  return { result, layout };
}

describe("hostile file corpus", () => {
  it("has at least 40 files, each with an expected outcome", () => {
    expect(Object.keys(corpus).length).toBeGreaterThanOrEqual(40);
  });

  it.each(Object.entries(corpus))("%s", async (name, expected) => {
    const { result, layout } = await outcome(join(dir, name), expected.options ?? {});
    expect(result).toEqual({ read: expected.read, clean: expected.clean, rejected: expected.rejected });
    const rejectedCount = Object.values(result.rejected).reduce((a, b) => a + b, 0);
    expect(result.clean + rejectedCount).toBe(result.read);
    if (expected.format) expect(layout?.format).toBe(expected.format);
    if (expected.container) expect(layout?.container).toBe(expected.container);
    if (expected.encoding) expect(layout?.encoding).toBe(expected.encoding);
  });
});

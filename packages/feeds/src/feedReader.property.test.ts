import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFeed } from "./feedReader";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "entrepot-prop-"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const HEADERS = ["reporter,partner,flow,hs_code,period,value\n", "company;fiscal_period;region;revenue\r\n", "", "[", "{", '"a\tb'];
const pieces = fc.oneof(
  fc.constantFrom(",", ";", "\t", '"', '""', "\n", "\r\n", "\r", "\ufeff", "SG", "1,234.5", "{", "}", "[", "]", "\u0000", "é", "中"),
  fc.string({ maxLength: 20 }),
);

describe("readFeed (property)", () => {
  it("never throws on arbitrary text or bytes, yields rows with positive lines, and ends", async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...HEADERS),
        fc.array(pieces, { maxLength: 60 }),
        fc.uint8Array({ maxLength: 64 }),
        async (header, parts, bytes) => {
          const file = join(dir, `f${n++}`);
          await writeFile(file, Buffer.concat([Buffer.from(header + parts.join("")), Buffer.from(bytes)]));
          for await (const row of readFeed(file, { maxRecordBytes: 128 })) {
            expect(row.line).toBeGreaterThanOrEqual(0);
            if (row.kind === "problem") expect(row.reason).toMatch(/^[a-z_]+$/);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

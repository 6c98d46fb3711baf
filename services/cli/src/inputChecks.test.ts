import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { EXIT, NoUsableRowError } from "./exitCodes";
import { checkFeedFile, noUsableRow } from "./inputChecks";

const dir = mkdtempSync(join(tmpdir(), "entrepot-input-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

describe("feed file checks before anything connects", () => {
  it("refuses empty, blank and binary files with exit code 4", () => {
    const cases: [string, string | Buffer, RegExp][] = [
      ["empty.csv", "", /is empty: no row to read/],
      ["blank.csv", "\n  \r\n\n", /holds only blank lines/],
      ["binary.csv", Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00, 0x08, 0x00, 0xff, 0x10]), /holds binary data/],
    ];
    for (const [name, content, message] of cases) {
      const path = file(name, content);
      expect(() => checkFeedFile(path)).toThrow(message);
      try {
        checkFeedFile(path);
      } catch (err) {
        expect(err).toBeInstanceOf(NoUsableRowError);
        expect((err as NoUsableRowError).exitCode).toBe(EXIT.noUsableRow);
        expect((err as Error).message.startsWith(path)).toBe(true);
      }
    }
  });

  it("lets a text feed through", () => {
    expect(() => checkFeedFile(file("ok.csv", "company,fiscal_period,region,revenue\nNVDA,FY2025-Q3,Singapore,1\n"))).not.toThrow();
  });

  it("says what a file that gave nothing usable held", () => {
    expect(noUsableRow("f.csv", 3, 3, { unknown_format: 1, bad_number: 2 }, "see r.jsonl").message).toBe(
      "f.csv: no usable row: 3 read, 3 rejected (unknown_format=1, bad_number=2); see r.jsonl",
    );
    expect(noUsableRow("f.csv", 0, 0, {}, "see r.jsonl").message).toBe("f.csv: no row read (a header without rows?)");
  });
});

import { RawRecord } from "@entrepot/schemas";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeRawRecord } from "./normalizeStage";
import { plainRawRecord } from "./rawRecordCheck";

const valid = {
  schemaVersion: 1,
  feed: "customs",
  provenance: { source: "customs.csv", file: "customs.csv", line: 2, ingestRun: "run-1", format: "customs-csv" },
  fields: { reporter: "SG", partner: "CN", value: "1" },
};
const json = fc.jsonValue({ maxDepth: 2 });
/** a raw record with some of its parts replaced: by other JSON, edge values, or extra keys */
const nearlyRaw = fc
  .record({
    schemaVersion: fc.oneof(fc.constant(1), json),
    feed: fc.oneof(fc.constantFrom("revenue", "customs", "sales"), json),
    source: fc.oneof(fc.constantFrom("s", ""), json),
    file: fc.oneof(fc.constantFrom("f.csv", ""), json),
    line: fc.oneof(fc.constantFrom(0, 2, -1, 1.5, 2 ** 53, -0), json),
    ingestRun: fc.oneof(fc.constant("run-1"), json),
    format: fc.oneof(fc.constantFrom("customs-csv", ""), json),
    fields: fc.oneof(fc.dictionary(fc.oneof(fc.string(), fc.constantFrom("__proto__", "10", "2")), fc.string()), json),
    extra: fc.dictionary(fc.constantFrom("x", "__proto__", "constructor"), json, { maxKeys: 2 }),
    extraProvenance: fc.dictionary(fc.constantFrom("y", "line2"), json, { maxKeys: 1 }),
  })
  .map((r) =>
    // through JSON text, as messages arrive (an own "__proto__" key survives JSON.parse)
    JSON.stringify({
      ...r.extra,
      fields: r.fields,
      provenance: { ...r.extraProvenance, format: r.format, line: r.line, ingestRun: r.ingestRun, file: r.file, source: r.source },
      feed: r.feed,
      schemaVersion: r.schemaVersion,
    }),
  );

/** The decode every raw message had before the plain check: JSON, then the schema. */
function schemaDecode(text: string) {
  const parsed = RawRecord.safeParse(JSON.parse(text));
  return parsed.success ? parsed.data : undefined;
}

describe("plainRawRecord", () => {
  it("gives what the RawRecord schema gives, key order included, or leaves the record to it", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          nearlyRaw,
          json.map((v) => JSON.stringify(v)),
        ),
        (text) => {
          const plain = plainRawRecord(JSON.parse(text));
          const schema = schemaDecode(text);
          if (plain !== undefined) {
            expect(schema).toBeDefined();
            expect(JSON.stringify(plain)).toBe(JSON.stringify(schema));
          }
          // and the stage's decode, fast path or not, is the schema's to the byte
          const decoded = decodeRawRecord(text);
          expect(decoded.ok && JSON.stringify(decoded.raw)).toBe(schema !== undefined && JSON.stringify(schema));
        },
      ),
      { numRuns: 3000 },
    );
  });

  it("takes the plain path for raw records as the ingest writes them", () => {
    expect(plainRawRecord(JSON.parse(JSON.stringify(valid)))).toEqual(valid);
    const unordered = JSON.parse(
      '{"fields":{"b":"1","a":"2"},"provenance":{"line":3,"format":"f","ingestRun":"r","file":"x","source":"s","extra":1},"feed":"revenue","schemaVersion":1}',
    );
    expect(JSON.stringify(plainRawRecord(unordered))).toBe(
      '{"schemaVersion":1,"feed":"revenue","provenance":{"source":"s","file":"x","line":3,"ingestRun":"r","format":"f"},"fields":{"b":"1","a":"2"}}',
    );
    expect(plainRawRecord(JSON.parse('{"schemaVersion":1,"feed":"customs","provenance":{},"fields":{}}'))).toBeUndefined();
  });

  it("decodes an invalid record with the schema's message", () => {
    const text = JSON.stringify({ ...valid, provenance: { ...valid.provenance, line: -1 } });
    expect(decodeRawRecord(text)).toMatchObject({
      ok: false,
      problem: { reason: "schema_violation", message: "raw record: provenance.line: Too small: expected number to be >=0" },
    });
  });
});

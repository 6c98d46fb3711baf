import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compactKey, fieldReader } from "./fields";

/** The rule: a name reads the first field whose compact name is its compact name, trimmed. */
function reference(fields: Record<string, string>) {
  const index = new Map<string, string>();
  for (const [k, v] of Object.entries(fields)) if (!index.has(compactKey(k))) index.set(compactKey(k), v);
  return {
    get: (...names: string[]) =>
      names
        .map((n) => index.get(compactKey(n)))
        .find((v) => v !== undefined)
        ?.trim(),
    has: (name: string) => (index.get(compactKey(name)) ?? "").trim() !== "",
  };
}

// spellings of a few header names, so records have several fields with one compact name
const NAMES = [
  "reporter",
  "Reporter",
  "REPORTER ",
  "hs_code",
  "HS Code",
  "hs-code",
  "value",
  "Value",
  "partner",
  "partner2",
  "__proto__",
  "Ré-porter",
];

describe("fieldReader", () => {
  it("reads every name as the rule says, across runs of records with the same and with other field names", () => {
    const record = fc.dictionary(fc.oneof(fc.constantFrom(...NAMES), fc.string({ maxLength: 4 })), fc.string({ maxLength: 6 }), {
      maxKeys: 8,
    });
    fc.assert(
      fc.property(fc.array(fc.tuple(record, fc.nat(3)), { minLength: 1, maxLength: 8 }), (records) => {
        // each record read `repeat + 1` times in a row, like the rows of one file
        for (const [fields, repeat] of records) {
          for (let i = 0; i <= repeat; i++) {
            const f = fieldReader({ fields: { ...fields } });
            const expected = reference(fields);
            for (const name of [...NAMES, ...Object.keys(fields)]) {
              expect(f.get(name)).toBe(expected.get(name));
              expect(f.has(name)).toBe(expected.has(name));
            }
            expect(f.get("nothing", "value", "reporter")).toBe(expected.get("nothing", "value", "reporter"));
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it("reads the values of each record, not those of an earlier record with the same field names", () => {
    expect(fieldReader({ fields: { Reporter: " SG ", value: "1" } }).get("reporter")).toBe("SG");
    const next = fieldReader({ fields: { Reporter: "MY", value: "" } });
    expect([next.get("reporter"), next.has("value")]).toEqual(["MY", false]);
    // the same names in another order: the first spelling wins in each
    expect(fieldReader({ fields: { "HS Code": "1", hs_code: "2" } }).get("hs_code")).toBe("1");
    expect(fieldReader({ fields: { hs_code: "2", "HS Code": "1" } }).get("hs_code")).toBe("2");
  });
});

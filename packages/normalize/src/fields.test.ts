import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fieldReader, headerFieldReader } from "./fields";

/** Header names that compact alike (case, spaces, punctuation) and some that do not. */
const NAMES = [
  "reporter",
  "Reporter",
  "REPORTER ",
  "re-porter",
  "partner",
  "Partner Code",
  "partnerCode",
  "period",
  "Trade Flow",
  "tradeflow",
];
const VALUES = ["", " ", "SG", " CN ", "2024-07"];

describe("headerFieldReader", () => {
  it("reads what fieldReader reads, row after row, whether the header changes or not", () => {
    const rows = fc.array(
      fc.oneof(
        // the header of the row before, other values (a file's next row)
        fc.constant("same" as const),
        fc.dictionary(fc.constantFrom(...NAMES), fc.constantFrom(...VALUES)),
      ),
      { minLength: 1, maxLength: 12 },
    );
    fc.assert(
      fc.property(rows, fc.array(fc.constantFrom(...NAMES, "absent"), { minLength: 1, maxLength: 3 }), (shapes, asked) => {
        let previous: Record<string, string> = {};
        for (const shape of shapes) {
          const fields =
            shape === "same" ? Object.fromEntries(Object.keys(previous).map((k, i) => [k, VALUES[i % VALUES.length] as string])) : shape;
          previous = fields;
          const expected = fieldReader({ fields });
          const actual = headerFieldReader({ fields });
          expect(actual.get(...asked)).toBe(expected.get(...asked));
          for (const name of asked) expect(actual.has(name)).toBe(expected.has(name));
        }
      }),
      { numRuns: 2000 },
    );
  });
});

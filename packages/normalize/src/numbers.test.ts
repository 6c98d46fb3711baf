import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseAmount } from "./numbers";

describe("parseAmount", () => {
  it("reads plain digits as the general rules read the same number written with a sign", () => {
    // "+123.5" takes the general path (sign, grouping, currency, exponent); "123.5" the plain-digits one
    const plain = fc.stringMatching(/^\d{1,30}(\.\d{1,12})?$/);
    fc.assert(
      fc.property(plain, fc.constantFrom("", " ", "\u00a0"), (digits, pad) => {
        expect(parseAmount(`${pad}${digits}${pad}`, "value")).toEqual(parseAmount(`+${digits}`, "value"));
      }),
      { numRuns: 2000 },
    );
    expect(parseAmount("0.00", "value")).toEqual({ ok: true, record: 0 });
    expect(parseAmount("007", "value")).toEqual({ ok: true, record: 7 });
  });

  it("still reports digits that are not a finite number", () => {
    expect(parseAmount("9".repeat(400), "value")).toMatchObject({ ok: false, problem: { reason: "bad_number" } });
  });
});

import { createHash } from "node:crypto";
import type { CustomsClean } from "@entrepot/schemas";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { normalizeRecord } from "./normalizeRecord";
import { decideRevision, revisionFingerprint } from "./revision";
import { rawRecord } from "./testRaw";

const clean = (value: string, asOf: string, line: number) => {
  const r = normalizeRecord(
    rawRecord(
      "customs",
      "customs-csv",
      { reporter: "SG", partner: "CN", flow: "X", hs_code: "854231", period: "2024-07", value, reported_at: asOf },
      line,
    ),
  );
  if (!r.ok) throw new Error(r.problem.message);
  return r.record.record;
};

describe("revisions", () => {
  it("ignores provenance in the fingerprint", () => {
    expect(revisionFingerprint(clean("1", "2024-09-01", 2))).toBe(revisionFingerprint(clean("1", "2024-09-01", 99)));
    expect(revisionFingerprint(clean("1", "2024-09-01", 2))).not.toBe(revisionFingerprint(clean("2", "2024-09-01", 2)));
  });
  it("decides new, duplicate, revision and stale", () => {
    const seen = (r: ReturnType<typeof clean>) => ({ asOf: r.asOf, fingerprint: revisionFingerprint(r) });
    const v1 = seen(clean("1", "2024-09-01", 2));
    expect(decideRevision(undefined, v1)).toBe("new");
    expect(decideRevision(v1, seen(clean("1", "2024-09-01", 3)))).toBe("duplicate");
    expect(decideRevision(v1, seen(clean("2", "2024-10-01", 3)))).toBe("revision");
    expect(decideRevision(v1, seen(clean("2", "2024-09-01", 3)))).toBe("revision");
    expect(decideRevision(seen(clean("2", "2024-10-01", 3)), v1)).toBe("stale");
  });
});

describe("revision fingerprints", () => {
  it("keeps the fingerprints already stored in revision stores (values computed by an earlier release)", () => {
    const customs = normalizeRecord(
      rawRecord(
        "customs",
        "customs-csv",
        {
          reporter: "SG",
          partner: "CN",
          flow: "X",
          hs_code: "854231",
          period: "2024-07",
          value: "1234.5",
          reported_at: "2024-09-01",
          quantity: "7",
          currency: "EUR",
        },
        2,
      ),
      { fxToUsd: { EUR: 1.1 } },
    );
    const revenue = normalizeRecord(
      rawRecord(
        "revenue",
        "revenue-csv",
        { company: "NVDA", fiscal_period: "FY2025Q3", region: "Singapore", revenue: "7697", currency: "USD", scale: "millions" },
        2,
      ),
    );
    if (!customs.ok || !revenue.ok) throw new Error("fixture rows should normalize");
    expect(revisionFingerprint(customs.record.record)).toBe("J76gWCO2LNfju5eeh2Dcaq");
    expect(revisionFingerprint(revenue.record.record)).toBe("MYYmmf2jsiAjz4cSII4tMO");
  });

  it("are the SHA-256 of the JSON of a sorted copy of the content, provenance left out, for any content", () => {
    // the definition the stored fingerprints were made with: Object.fromEntries of sorted keys, a Hash object
    const stable = (value: unknown): unknown => {
      if (Array.isArray(value)) return value.map(stable);
      if (value && typeof value === "object") {
        return Object.fromEntries(
          Object.keys(value)
            .sort()
            .map((k) => [k, stable((value as Record<string, unknown>)[k])]),
        );
      }
      return value;
    };
    const reference = (record: Record<string, unknown>) => {
      const { provenance: _provenance, ...content } = record;
      return createHash("sha256")
        .update(JSON.stringify(stable(content)))
        .digest("base64url")
        .slice(0, 22);
    };
    const leaf = fc.oneof(fc.string(), fc.double(), fc.boolean(), fc.constant(null), fc.constant(undefined));
    const key = fc.oneof(fc.string(), fc.constantFrom("__proto__", "provenance", "constructor", "10", "2", "asOf"));
    fc.assert(
      fc.property(fc.object({ key, values: [leaf], maxDepth: 3, withNullPrototype: true }), (content) => {
        expect(revisionFingerprint(content as unknown as CustomsClean)).toBe(reference(content));
      }),
      { numRuns: 2000 },
    );
    const protoKey = JSON.parse('{"__proto__":{"b":1,"a":[{"d":2,"c":null}]},"z":1,"provenance":{"x":1}}') as Record<string, unknown>;
    expect(revisionFingerprint(protoKey as unknown as CustomsClean)).toBe(reference(protoKey));
  });
});

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
});

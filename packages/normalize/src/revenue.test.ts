import { describe, expect, it } from "vitest";
import { normalizeRevenue } from "./revenue";
import { rawRecord } from "./testRaw";

const base = {
  company: "nvda",
  fiscal_period: "Q3 FY2025",
  region: "Singapore",
  revenue: "7,028",
  scale: "millions",
  reported_at: "2024-11-20",
};

describe("normalizeRevenue", () => {
  it("keeps the detector's fields and adds calendar dates from NVIDIA's fiscal calendar", () => {
    const r = normalizeRevenue(rawRecord("revenue", "revenue-csv", base));
    expect(r).toMatchObject({
      ok: true,
      record: {
        company: "NVDA",
        fiscalPeriod: "FY2025-Q3",
        fiscalYear: 2025,
        fiscalQuarter: 3,
        region: "SG",
        regionName: "Singapore",
        regionLabel: "Singapore",
        revenueUsd: 7_028_000_000,
        basis: "billing",
        asOf: "2024-11-20",
        periodStart: "2024-07-29",
        periodEnd: "2024-10-27",
      },
    });
  });
  it.each([
    ["FY25 Q3", "FY2025-Q3"],
    ["2025Q3", "FY2025-Q3"],
    ["FY2025-Q3", "FY2025-Q3"],
  ])("accepts fiscal period %s", (text, canonical) => {
    const r = normalizeRevenue(rawRecord("revenue", "revenue-csv", { ...base, fiscal_period: text }));
    expect(r.ok && r.record.fiscalPeriod).toBe(canonical);
  });
  it("keeps reporting groups as groups and the basis as given", () => {
    const r = normalizeRevenue(rawRecord("revenue", "revenue-csv", { ...base, region: "China (including Hong Kong)", basis: "shipping" }));
    expect(r).toMatchObject({ ok: true, record: { region: "GROUP:CN+HK", basis: "shipping" } });
    const viet = normalizeRevenue(rawRecord("revenue", "revenue-csv", { ...base, region: "Viet Nam" }));
    expect(viet.ok && viet.record.region).toBe("VN");
  });
  it.each([
    ["Other countries (incl. Singapore)", { region: "GROUP:OTHER", includes: ["SG"] }],
    ["Other countries (excl. Singapore)", { region: "GROUP:OTHER", excludes: ["SG"] }],
    ["Other Countries (excluding Singapore and Malaysia)", { region: "GROUP:OTHER", excludes: ["SG", "MY"] }],
    ["All other", { region: "GROUP:OTHER" }],
    ["Rest of world", { region: "GROUP:OTHER" }],
    ["Other Asia Pacific", { region: "GROUP:OTHER-APAC" }],
    ["Rest of Asia Pacific", { region: "GROUP:OTHER-APAC" }],
    ["EMEA", { region: "GROUP:EMEA" }],
    ["Europe, the Middle East and Africa", { region: "GROUP:EMEA" }],
    ["Europe", { region: "GROUP:EUROPE" }],
    ["Americas", { region: "GROUP:AMERICAS" }],
    ["Asia Pacific", { region: "GROUP:APAC" }],
    ["Greater China", { region: "GROUP:GREATER-CHINA" }],
    ["Taiwan (2)", { region: "TW" }],
    ["Total", { region: "TOTAL", regionKind: "total" }],
    ["Total revenue", { region: "TOTAL", regionKind: "total" }],
    ["Total net revenue", { region: "TOTAL", regionKind: "total" }],
    ["Narnia", { region: "LABEL:narnia", regionName: "Narnia", regionKind: "opaque" }],
  ])("reads the label %s as a filing means it", (region, expected) => {
    const r = normalizeRevenue(rawRecord("revenue", "revenue-csv", { ...base, region }));
    expect(r).toMatchObject({ ok: true, record: { ...expected, regionLabel: region } });
  });
  it("reads annual and half-year periods, and the basis wordings filings use", () => {
    const year = normalizeRevenue(rawRecord("revenue", "revenue-csv", { ...base, fiscal_period: "FY2019" }));
    expect(year).toMatchObject({ ok: true, record: { fiscalPeriod: "FY2019", fiscalYear: 2019, frequency: "year" } });
    expect(year.ok && year.record.fiscalQuarter).toBeUndefined();
    expect(year.ok && year.record.periodStart).toBeUndefined();
    const half = normalizeRevenue(rawRecord("revenue", "revenue-csv", { ...base, fiscal_period: "H2 FY24" }));
    expect(half).toMatchObject({ ok: true, record: { fiscalPeriod: "FY2024-H2", frequency: "half" } });
    for (const [text, basis] of [
      ["customer headquarters", "headquarters"],
      ["Ship-to", "shipping"],
      ["billing location", "billing"],
      ["end customer", "end_customer"],
    ] as const) {
      const r = normalizeRevenue(rawRecord("revenue", "revenue-csv", { ...base, basis: text }));
      expect(r.ok && r.record.basis).toBe(basis);
    }
    const defaulted = normalizeRevenue(rawRecord("revenue", "revenue-csv", base), { defaultBasis: "headquarters" });
    expect(defaulted.ok && defaulted.record.basis).toBe("headquarters");
  });
  it("converts currency with the FX table and lets period_end override", () => {
    const r = normalizeRevenue(
      rawRecord("revenue", "revenue-csv", { ...base, currency: "EUR", revenue: "1", scale: "billions", period_end: "2024-10-31" }),
      {
        fxToUsd: { EUR: 1.1 },
      },
    );
    expect(r).toMatchObject({ ok: true, record: { periodEnd: "2024-10-31" } });
    expect(r.ok && r.record.revenueUsd).toBeCloseTo(1.1e9);
  });
  it.each([
    [{ fiscal_period: "Q5 2025" }, "bad_fiscal_period"],
    [{ region: "1,234" }, "unknown_region"],
    [{ revenue: "(5)" }, "negative_value"],
    [{ revenue: "" }, "missing_field"],
    [{ scale: "dozens" }, "bad_scale"],
    [{ currency: "XYZ" }, "bad_currency"],
    [{ basis: "vibes" }, "bad_basis"],
    [{ period_end: "31/10/2024" }, "bad_date"],
  ])("rejects %j with %s", (patch, reason) => {
    const r = normalizeRevenue(rawRecord("revenue", "revenue-csv", { ...base, ...patch }));
    expect(r.ok ? "ok" : r.problem.reason).toBe(reason);
  });
});

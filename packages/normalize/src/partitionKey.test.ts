import type { RevenueBasisId } from "@entrepot/reference";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type NormalizeOptions, normalizeRecord } from "./normalizeRecord";
import { rawPartitionKey } from "./partitionKey";
import { naturalKey } from "./revisionGate";
import { rawRecord } from "./testRaw";

/** The clean record's key when the row normalizes under `options`, else undefined. */
function cleanKey(raw: Parameters<typeof normalizeRecord>[0], options: NormalizeOptions = {}): string | undefined {
  const r = normalizeRecord(raw, options);
  return r.ok ? naturalKey(r.record) : undefined;
}

const revenue = (fields: Record<string, string>) =>
  rawRecord(
    "revenue",
    "revenue-csv",
    { company: "NVDA", fiscal_period: "FY2025-Q3", region: "Singapore", revenue: "7,718.0", ...fields },
    9,
  );
const customs = (fields: Record<string, string>) =>
  rawRecord(
    "customs",
    "customs-csv",
    { reporter: "SG", partner: "TW", flow: "import", hs_code: "854231", period: "2023-01", value: "100", ...fields },
    9,
  );
const layout = (format: string, fields: Record<string, string>) => rawRecord("customs", format, fields, 9);

describe("rawPartitionKey", () => {
  it("is the natural key of the clean fact a row normalizes to", () => {
    const row = revenue({ scale: "millions", reported_at: "2025-02-26" });
    expect(rawPartitionKey(row)).toBe("NVDA|FY2025-Q3|SG");
    expect(rawPartitionKey(row)).toBe(cleanKey(row));
    const sg = customs({});
    expect(rawPartitionKey(sg)).toBe("SG|TW|import|854231|2023-01|-|-|-|HS");
    expect(rawPartitionKey(sg)).toBe(cleanKey(sg));
  });

  it("does not depend on the figures: a currency the ingest has no rate for keys as the normalizer that has one publishes it", () => {
    const eur = revenue({ currency: "EUR" });
    // the ingest has no FX rate: normalizing there fails, the key is still the fact's
    expect(normalizeRecord(eur)).toMatchObject({ ok: false, problem: { reason: "bad_currency" } });
    expect(rawPartitionKey(eur)).toBe("NVDA|FY2025-Q3|SG");
    expect(cleanKey(eur, { fxToUsd: { EUR: 1.08 } })).toBe(rawPartitionKey(eur));
    const twd = customs({ currency: "TWD" });
    expect(cleanKey(twd, { fxToUsd: { TWD: 0.031 } })).toBe(rawPartitionKey(twd));
    // every revision of a fact shares its key, whatever its figure (even one the normalizer rejects)
    for (const revenueText of ["1", "(2)", "see note 4", "-5"])
      expect(rawPartitionKey(revenue({ revenue: revenueText }))).toBe("NVDA|FY2025-Q3|SG");
    expect(rawPartitionKey(customs({ value: "n/a", reported_at: "2025-13-45" }))).toBe(rawPartitionKey(customs({})));
  });

  it("reads the key fields as the normalizers do: basis, a World second partner, Comtrade's all-procedures and all-modes codes", () => {
    const rows = [
      revenue({ basis: "ship-to" }),
      revenue({ basis: "Customer headquarters", fiscal_period: "fy2025" }),
      revenue({ region: "Other countries (excl. Singapore)", company: "nvda" }),
      customs({ partner2: "World", customs_procedure: "", mode_of_transport: "1000", classification: "H6" }),
      customs({ partner: "Singapore", partner2: "HK", flow: "M", hs_code: "85423100002", period: "202301" }),
      layout("comtrade", {
        reporterCode: "490",
        partnerCode: "842",
        partner2Code: "0",
        flowCode: "X",
        cmdCode: "8542",
        period: "202407",
        customsCode: "C00",
        motCode: "0",
        classificationCode: "H6",
        primaryValue: "5",
      }),
      layout("comtrade-legacy", {
        "Reporter Code": "702",
        "Partner Code": "156",
        "Trade Flow Code": "2",
        "Commodity Code": "854231",
        Year: "2016",
        "Trade Value (US$)": "9",
      }),
      layout("census-json", { CTY_CODE: "5590", CTY_NAME: "SINGAPORE", ALL_VAL_MO: "12", E_COMMODITY: "854231", time: "2024-07" }),
    ];
    const keys = rows.map((row) => rawPartitionKey(row));
    expect(keys).toEqual([
      "NVDA|FY2025-Q3|SG|shipping",
      "NVDA|FY2025|SG|headquarters",
      "NVDA|FY2025-Q3|GROUP:OTHER",
      "SG|TW|import|854231|2023-01|-|-|1000|H6",
      "SG|SG|import|85423100002|2023-01|HK|-|-|HS",
      "TW|US|export|8542|2024-07|-|-|-|H6",
      "SG|CN|export|854231|2016|-|-|-|HS",
      "US|SG|export|854231|2024-07|-|-|-|HS",
    ]);
    expect(keys).toEqual(rows.map((row) => cleanKey(row)));
  });

  it("takes the default basis of a row without one as the normalizer does", () => {
    const row = revenue({});
    expect(rawPartitionKey(row, { defaultBasis: "headquarters" })).toBe("NVDA|FY2025-Q3|SG|headquarters");
    expect(rawPartitionKey(row, { defaultBasis: "headquarters" })).toBe(cleanKey(row, { defaultBasis: "headquarters" }));
    expect(rawPartitionKey(revenue({ basis: "billing" }), { defaultBasis: "headquarters" })).toBe("NVDA|FY2025-Q3|SG");
  });

  it("is the row's file:line when its key fields do not parse (rejected under any options)", () => {
    const rows = [
      revenue({ region: "12345" }),
      revenue({ fiscal_period: "FY2025-Q5" }),
      revenue({ basis: "by vibes" }),
      customs({ partner: "Atlantis" }),
      customs({ partner2: "Atlantis" }),
      customs({ hs_code: "85x231" }),
      customs({ period: "2025-13" }),
      customs({ flow: "sideways" }),
      layout("comtrade", { reporterCode: "99999", partnerCode: "0", flowCode: "M", cmdCode: "8542", period: "2024", primaryValue: "1" }),
      layout("census-json", { CTY_CODE: "9999", CTY_NAME: "ATLANTIS", ALL_VAL_MO: "1", time: "2024-07" }),
    ];
    for (const row of rows) {
      expect(rawPartitionKey(row)).toBe("test.csv:9");
      expect(cleanKey(row, { fxToUsd: { EUR: 1.08, TWD: 0.031 }, defaultBasis: "shipping" })).toBeUndefined();
    }
  });
});

/** Realistic values per field of each layout: [values that normalize, values that do not]; `null` = the column is absent. */
type Pool = readonly [readonly (string | null)[], readonly (string | null)[]];
const POOLS: Record<string, Record<string, Pool>> = {
  "revenue-csv": {
    company: [["NVDA", "amd", " Apple "], [""]],
    fiscal_period: [
      ["FY2025-Q3", "fy2025 q3", "FY2025-H1", "FY2025"],
      ["FY2025-Q5", "Q3 2025", ""],
    ],
    region: [
      ["Singapore", "SG", "United States", "Other countries (excl. Singapore)", "Total revenue", "Taiwan", "Europe", "Sngpr"],
      ["12345", ""],
    ],
    revenue: [
      ["7,718.0", "100", "(1,234)"],
      ["-5", "see note 4", ""],
    ],
    scale: [[null, "millions", "thousands", ""], ["gazillions"]],
    currency: [
      [null, "", "USD", "EUR", "TWD"],
      ["XYZ", "euro"],
    ],
    basis: [[null, "", "billing", "ship-to", "customer headquarters", "end customer"], ["by vibes"]],
    reported_at: [
      [null, "2025-02-26", ""],
      ["2025-13-45", "yesterday"],
    ],
    period_end: [[null, "", "2024-10-27"], ["bad"]],
  },
  "customs-csv": {
    reporter: [
      ["SG", "Singapore", "TW", "Korea, Rep."],
      ["Atlantis", ""],
    ],
    partner: [
      ["CN", "World", "US", "Other Asia, nes", "SG"],
      ["Atlantis", ""],
    ],
    partner2: [[null, "", "World", "HK"], ["Atlantis"]],
    flow: [
      ["import", "X", "M", "re-export"],
      ["sideways", ""],
    ],
    hs_code: [
      ["854231", "8542", "85423100002", "TOTAL"],
      ["85x231", ""],
    ],
    period: [
      ["2024-07", "202407", "2024"],
      ["2025-13", ""],
    ],
    value: [
      ["100", "1,234.5"],
      ["-1", "n/a", ""],
    ],
    currency: [[null, "", "USD", "EUR", "TWD"], ["XYZ"]],
    customs_procedure: [[null, "", "C00", "C01"], []],
    mode_of_transport: [[null, "", "0", "1000"], []],
    classification: [[null, "", "H6"], []],
    reported_at: [[null, "2025-03-01"], ["2025-13-45"]],
  },
  comtrade: {
    reporterCode: [
      ["702", "490", "842"],
      ["99999", ""],
    ],
    partnerCode: [["0", "156", "490"], [""]],
    partner2Code: [[null, "0", "344", ""], ["99999"]],
    flowCode: [
      ["M", "X", "RX"],
      ["", "Q"],
    ],
    cmdCode: [
      ["8542", "854231", "TOTAL"],
      ["85x", ""],
    ],
    period: [
      ["202407", "2024"],
      [null, ""],
    ],
    refYear: [[null, "2024"], []],
    refMonth: [[null, "52", "7"], []],
    primaryValue: [
      [null, "12.5"],
      ["-3", "x"],
    ],
    cifvalue: [[null, "", "10"], []],
    fobvalue: [[null, "", "11"], []],
    customsCode: [[null, "C00", "C01", ""], []],
    motCode: [[null, "0", "1000", ""], []],
    classificationCode: [[null, "H6", ""], []],
    releaseDate: [[null, "2025-01-31"], ["bad"]],
  },
  "comtrade-legacy": {
    "Reporter Code": [
      ["702", "490"],
      ["99999", ""],
    ],
    "Partner Code": [["0", "156"], [""]],
    "2nd Partner Code": [[null, "0", "344"], []],
    "Trade Flow Code": [
      ["1", "2", "3"],
      ["", "9"],
    ],
    "Commodity Code": [
      ["854231", "01"],
      ["x", ""],
    ],
    Period: [[null, "201601", "2016"], [""]],
    Year: [["2016"], [null]],
    "Trade Value (US$)": [["100"], [null, "-1", "x"]],
    "Customs Proc. Code": [[null, "", "C01"], []],
    "Mode of Transport Code": [[null, "", "1000"], []],
    Classification: [[null, "H4", ""], []],
  },
  "census-json": {
    CTY_CODE: [["-", "", "5590", "0003", "5700", "1X"], ["9999"]],
    CTY_NAME: [
      ["SINGAPORE", "CHINA", "KOREA, SOUTH", "EUROPEAN UNION"],
      ["ATLANTIS", ""],
    ],
    ALL_VAL_MO: [[null, "123"], ["x"]],
    GEN_VAL_MO: [[null, "456"], [""]],
    E_COMMODITY: [[null, "854231", "8542"], ["x"]],
    I_COMMODITY: [[null, "854231"], []],
    time: [["2024-07"], [null, "2024-13", ""]],
    YEAR: [[null, "2024"], []],
    MONTH: [[null, "07"], []],
  },
};

/** A value of a field: mostly one that normalizes, sometimes any. */
const value = ([good, bad]: Pool) =>
  fc.oneof({ arbitrary: fc.constantFrom(...good), weight: 8 }, { arbitrary: fc.constantFrom(...good, ...bad), weight: 1 });

const row = (format: string) =>
  fc
    .record(Object.fromEntries(Object.entries(POOLS[format] ?? {}).map(([field, pool]) => [field, value(pool)])))
    .map((fields) => Object.fromEntries(Object.entries(fields).filter((e): e is [string, string] => e[1] !== null)));

const options = fc.record({
  fxToUsd: fc.subarray(["EUR", "TWD"]).map((codes) => Object.fromEntries(codes.map((c) => [c, c === "EUR" ? 1.08 : 0.031]))),
  defaultBasis: fc.constantFrom<RevenueBasisId | undefined>(undefined, "billing", "headquarters", "shipping"),
});

describe("rawPartitionKey (property)", () => {
  it("equals the clean key of every row that normalizes, under any options; file:line only for rows that never do", () => {
    let published = 0;
    let unkeyed = 0;
    fc.assert(
      fc.property(
        fc.constantFrom(...Object.keys(POOLS)).chain((format) => row(format).map((fields) => ({ format, fields }))),
        options,
        ({ format, fields }, opts) => {
          const raw = rawRecord(format === "revenue-csv" ? "revenue" : "customs", format, fields);
          const normalize: NormalizeOptions = opts.defaultBasis
            ? { fxToUsd: opts.fxToUsd, defaultBasis: opts.defaultBasis }
            : { fxToUsd: opts.fxToUsd };
          const key = rawPartitionKey(raw, opts.defaultBasis ? { defaultBasis: opts.defaultBasis } : {});
          const clean = cleanKey(raw, normalize);
          if (clean !== undefined) {
            published += 1;
            expect(key).toBe(clean);
          }
          if (key === "test.csv:2") {
            unkeyed += 1;
            expect(cleanKey(raw, { ...normalize, fxToUsd: { EUR: 1.08, TWD: 0.031 } })).toBeUndefined();
          }
        },
      ),
      { numRuns: 4000 },
    );
    // both sides of the property were exercised
    expect(published).toBeGreaterThan(1000);
    expect(unkeyed).toBeGreaterThan(300);
  });
});

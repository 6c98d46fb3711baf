import { describe, expect, it } from "vitest";
import { detectFormat } from "./formats";
import { applyMapping, missingMappedColumns, parseMapping } from "./mapping";

describe("detectFormat", () => {
  it.each([
    [["typeCode", "freqCode", "period", "reporterCode", "flowCode", "partnerCode", "cmdCode", "primaryValue"], "comtrade"],
    [
      ["Classification", "Year", "Period", "Trade Flow Code", "Reporter Code", "Partner Code", "Commodity Code", "Trade Value (US$)"],
      "comtrade-legacy",
    ],
    [["Classification", "Year", "TradeFlow Code", "Reporter Code", "Partner Code", "Commodity Code", "TradeValueUS"], "comtrade-legacy"],
    [["CTY_CODE", "CTY_NAME", "ALL_VAL_MO", "time"], "census-json"],
    [["region", "REVENUE", "Company", "fiscal_period"], "revenue-csv"],
    [["reporter", "partner", "flow", "hs_code", "period", "value", "currency"], "customs-csv"],
  ])("%j is %s", (header, format) => {
    expect(detectFormat(header)).toBe(format);
  });
  it("returns null for an unknown layout", () => {
    expect(detectFormat(["Year", "Country", "HS Code", "Export Value (USD)"])).toBeNull();
    expect(detectFormat([])).toBeNull();
  });
});

describe("mapping files", () => {
  const mapping = parseMapping({
    name: "tw-mof-by-country",
    feed: "customs",
    columns: { period: "Year", partner: "Country", hs_code: "HS Code", value: "Export Value (USD)" },
    constants: { reporter: "TW", flow: "export", source: "Taiwan MOF" },
    values: { partner: { 中國大陸: "CN" } },
    transforms: {},
  });
  it("maps columns, constants and values", () => {
    expect(
      applyMapping(mapping, { year: "2013", country: "中國大陸", "hs code": "85423100002", "export value (usd)": "346793192.12" }),
    ).toEqual({
      reporter: "TW",
      flow: "export",
      source: "Taiwan MOF",
      period: "2013",
      partner: "CN",
      hs_code: "85423100002",
      value: "346793192.12",
    });
    expect(missingMappedColumns(mapping, ["Year", "Country"])).toEqual(["HS Code", "Export Value (USD)"]);
  });
  it("converts ROC years", () => {
    const roc = parseMapping({ name: "roc", feed: "customs", columns: { period: "日期" }, transforms: { period: "roc-year" } });
    expect(applyMapping(roc, { 日期: "102年" }).period).toBe("2013");
    expect(applyMapping(roc, { 日期: "114年7月" }).period).toBe("2025-07");
  });
  it("rejects an invalid mapping with every issue", () => {
    expect(() => parseMapping({ name: "bad name", feed: "weather", columns: {}, extra: 1 })).toThrow(/name.*feed|feed.*name/s);
  });
});

import { describe, expect, it } from "vitest";
import { normalizeCustoms } from "./customs";
import { rawRecord } from "./testRaw";

const COMTRADE_HEADER =
  "typeCode,freqCode,refPeriodId,refYear,refMonth,period,reporterCode,reporterISO,reporterDesc,flowCode,flowDesc,partnerCode,partnerISO,partnerDesc,partner2Code,partner2ISO,partner2Desc,classificationCode,classificationSearchCode,isOriginalClassification,cmdCode,cmdDesc,aggrLevel,isLeaf,customsCode,customsDesc,mosCode,motCode,motDesc,qtyUnitCode,qtyUnitAbbr,qty,isQtyEstimated,altQtyUnitCode,altQtyUnitAbbr,altQty,isAltQtyEstimated,netWgt,isNetWgtEstimated,grossWgt,isGrossWgtEstimated,cifvalue,fobvalue,primaryValue,legacyEstimationFlag,isReported,isAggregate".split(
    ",",
  );
const comtradeRow = (line: string) => {
  const cells = line.split(",");
  return Object.fromEntries(COMTRADE_HEADER.map((h, i) => [h.toLowerCase(), cells[i] ?? ""]));
};

describe("canonical customs rows", () => {
  const base = { reporter: "SG", partner: "China", flow: "RX", hs_code: "854231", period: "2024-07", value: "1,234.5" };
  it("normalizes codes, names, flows and numbers", () => {
    const r = normalizeCustoms(rawRecord("customs", "customs-csv", { ...base, net_weight_kg: "n/a", reported_at: "2024-09-01" }));
    expect(r).toMatchObject({
      ok: true,
      record: {
        reporter: "SG",
        partner: "CN",
        flow: "re-export",
        hsCode: "854231",
        hs6: "854231",
        period: "2024-07",
        frequency: "M",
        valueUsd: 1234.5,
        asOf: "2024-09-01",
        classification: "HS",
      },
    });
    if (r.ok) expect(r.record.netWeightKg).toBeUndefined();
  });
  it("keeps a national code and truncates it to HS6 with a flag", () => {
    const r = normalizeCustoms(rawRecord("customs", "customs-csv", { ...base, hs_code: "85423100002", partner: "Korea, Rep." }));
    expect(r).toMatchObject({ ok: true, record: { hsCode: "85423100002", hs6: "854231", partner: "KR", flags: ["hs_truncated_to_hs6"] } });
  });
  it("converts scale and currency through the FX table", () => {
    const r = normalizeCustoms(rawRecord("customs", "customs-csv", { ...base, value: "2", scale: "thousands", currency: "TWD" }), {
      fxToUsd: { TWD: 0.03 },
    });
    expect(r.ok && r.record.valueUsd).toBeCloseTo(60);
  });
  it.each([
    [{ partner: "Atlantis" }, "unknown_country"],
    [{ reporter: "" }, "missing_field"],
    [{ hs_code: "8542A1" }, "bad_hs_code"],
    [{ hs_code: "85423" }, "bad_hs_code"],
    [{ period: "2024-13" }, "bad_period"],
    [{ period: "July 2024" }, "bad_period"],
    [{ flow: "sideways" }, "bad_flow"],
    [{ value: "n/a" }, "bad_number"],
    [{ value: "-" }, "bad_number"],
    [{ value: "(1,234)" }, "negative_value"],
    [{ value: "1.2.3" }, "bad_number"],
    [{ currency: "EUR" }, "bad_currency"],
    [{ scale: "lakhs" }, "bad_scale"],
    [{ reported_at: "yesterday" }, "bad_date"],
    [{ quantity: "-5" }, "negative_value"],
  ])("rejects %j with %s", (patch, reason) => {
    const r = normalizeCustoms(rawRecord("customs", "customs-csv", { ...base, ...patch }));
    expect(r.ok ? "ok" : r.problem.reason).toBe(reason);
  });
});

describe("Comtrade current layout", () => {
  it("reads an import with CIF, partner 490 as Taiwan, partner2 and the Comtrade USA code", () => {
    const fields = comtradeRow(
      "C,A,20150101,2015,52,2015,156,,,M,,490,,,702,,,H4,HS,True,8542,,,,C00,,0,0,,-1,,0.0,True,-1,,0.0,False,2512.0,False,,False,3992055.0,,3992055.0,0,False,True",
    );
    const r = normalizeCustoms(rawRecord("customs", "comtrade", fields));
    expect(r).toMatchObject({
      ok: true,
      record: {
        classification: "H4",
        reporter: "CN",
        partner: "TW",
        partner2: "SG",
        flow: "import",
        hsCode: "8542",
        period: "2015",
        frequency: "A",
        valueUsd: 3992055,
        cifUsd: 3992055,
        netWeightKg: 2512,
      },
    });
    if (r.ok) {
      expect(r.record.flags).toContain("comtrade_490_as_TW");
      expect(r.record.fobUsd).toBeUndefined();
      expect(r.record.quantity).toBeUndefined();
      expect(r.record.customsProcedure).toBeUndefined();
    }
    const us = normalizeCustoms(rawRecord("customs", "comtrade", { ...fields, partnercode: "842", partner2code: "0" }));
    expect(us.ok && [us.record.partner, us.record.partner2]).toEqual(["US", undefined]);
  });
  it("reads a monthly portal export with FOB and keeps World as a group", () => {
    const fields = comtradeRow(
      "C,M,20250101,2025,1,202501,344,HKG,Hong Kong SAR,X,Export,0,W00,World,0,W00,World,H6,HS,true,8542,ICs,4,false,C00,TOTAL CPC,0,0,TOTAL MOT,-1,N/A,0,false,-1,N/A,0,false,,false,0,false,,18187629122.738,18187629122.738,0,false,true",
    );
    const r = normalizeCustoms(rawRecord("customs", "comtrade", fields));
    expect(r).toMatchObject({
      ok: true,
      record: { reporter: "HK", partner: "GROUP:WORLD", flow: "export", period: "2025-01", frequency: "M", fobUsd: 18187629122.738 },
    });
  });
  it("rejects unknown Comtrade codes and missing values", () => {
    const fields = comtradeRow(
      "C,A,20100101,2010,52,2010,156,,,M,,842,,,0,,,H3,HS,True,8542,,,,C00,,0,0,,-1,,,False,-1,,,False,,False,,False,,,,0,True,False",
    );
    expect(normalizeCustoms(rawRecord("customs", "comtrade", fields))).toMatchObject({ ok: false, problem: { reason: "missing_field" } });
    expect(normalizeCustoms(rawRecord("customs", "comtrade", { ...fields, partnercode: "998", primaryvalue: "1" }))).toMatchObject({
      ok: false,
      problem: { reason: "unknown_country" },
    });
    expect(normalizeCustoms(rawRecord("customs", "comtrade", { ...fields, cmdcode: "TOTAL", primaryvalue: "5" }))).toMatchObject({
      ok: true,
      record: { hsCode: "TOTAL" },
    });
  });
});

describe("Comtrade legacy bulk CSV", () => {
  it("reads both header spellings", () => {
    const fields = {
      classification: "H4",
      year: "2016",
      period: "2016",
      "trade flow code": "3",
      "reporter code": "36",
      "reporter iso": "AUS",
      "partner code": "0",
      "partner iso": "WLD",
      "commodity code": "01",
      "qty unit": "No Quantity",
      qty: "",
      "netweight (kg)": "",
      "trade value (us$)": "4934172",
      flag: "0",
    };
    expect(normalizeCustoms(rawRecord("customs", "comtrade-legacy", fields))).toMatchObject({
      ok: true,
      record: { reporter: "AU", partner: "GROUP:WORLD", flow: "re-export", hsCode: "01", hs6: "01", valueUsd: 4934172, flags: [] },
    });
    const { "trade flow code": _, "trade value (us$)": __, "netweight (kg)": ___, ...rest } = fields;
    const other = { ...rest, "tradeflow code": "1", tradevalueus: "91128858", netweightkg: "10" };
    expect(normalizeCustoms(rawRecord("customs", "comtrade-legacy", other))).toMatchObject({
      ok: true,
      record: { flow: "import", valueUsd: 91128858, netWeightKg: 10 },
    });
  });
});

describe("US Census API rows", () => {
  const row = (cty: string, name: string, extra: Record<string, string> = {}) => ({
    cty_code: cty,
    cty_name: name,
    all_val_mo: "2716015726",
    time: "2020-06",
    ...extra,
  });
  it("reads exports by partner, totals and groupings", () => {
    expect(normalizeCustoms(rawRecord("customs", "census-json", row("5590", "SINGAPORE")))).toMatchObject({
      ok: true,
      record: {
        reporter: "US",
        partner: "SG",
        flow: "export",
        hsCode: "TOTAL",
        period: "2020-06",
        valueUsd: 2716015726,
        fobUsd: 2716015726,
      },
    });
    expect(normalizeCustoms(rawRecord("customs", "census-json", row("-", "TOTAL FOR ALL COUNTRIES")))).toMatchObject({
      ok: true,
      record: { partner: "GROUP:WORLD" },
    });
    expect(normalizeCustoms(rawRecord("customs", "census-json", row("0001", "OPEC")))).toMatchObject({
      ok: true,
      record: { partner: "GROUP:CENSUS-0001", partnerName: "OPEC" },
    });
    expect(normalizeCustoms(rawRecord("customs", "census-json", row("5800", "KOREA, SOUTH", { e_commodity: "854231" })))).toMatchObject({
      ok: true,
      record: { partner: "KR", hsCode: "854231" },
    });
  });
  it("reads imports with CIF and rejects unknown partners", () => {
    const imp = { cty_code: "5830", cty_name: "TAIWAN", gen_val_mo: "100", gen_cif_mo: "110", i_commodity: "8542", time: "2024-01" };
    expect(normalizeCustoms(rawRecord("customs", "census-json", imp))).toMatchObject({
      ok: true,
      record: { partner: "TW", flow: "import", cifUsd: 110, valueUsd: 100 },
    });
    expect(normalizeCustoms(rawRecord("customs", "census-json", row("9999", "NOWHERE")))).toMatchObject({
      ok: false,
      problem: { reason: "unknown_country" },
    });
  });
});

describe("canonical customs record bytes", () => {
  const raw = (fields: Record<string, string>) => rawRecord("customs", "customs-csv", fields);
  it("orders the required fields, then each optional present, as consumers of the clean topic have them", () => {
    const full = normalizeCustoms(
      raw({
        reporter: "SG",
        partner: "Other Asia, nes",
        partner2: "MY",
        flow: "import",
        hs_code: "85423100",
        period: "202407",
        value: "12",
        currency: "EUR",
        scale: "thousands",
        cif_value: "13",
        fob_value: "1 200",
        quantity: "7",
        quantity_unit: "u",
        net_weight_kg: "12.5",
        customs_procedure: "C00",
        mode_of_transport: "1",
        commodity: "chips",
        classification: "H6",
        source: "eurostat",
        reported_at: "2024-09-01T10:00:00Z",
      }),
      { fxToUsd: { EUR: 1.5 } },
    );
    expect(full.ok && JSON.stringify(full.record)).toBe(
      '{"schemaVersion":1,"classification":"H6","reporter":"SG","reporterName":"Singapore","partner":"TW","partnerName":"Taiwan",' +
        '"flow":"import","hsCode":"85423100","hs6":"854231","period":"2024-07","frequency":"M","valueUsd":18000,' +
        '"flags":["comtrade_490_as_TW","hs_truncated_to_hs6"],"asOf":"2024-09-01",' +
        '"provenance":{"source":"eurostat","file":"test.csv","line":2,"ingestRun":"run-1","format":"customs-csv"},' +
        '"partner2":"MY","commodity":"chips","customsProcedure":"C00","modeOfTransport":"1","cifUsd":19500,"fobUsd":1800000,' +
        '"quantity":7,"quantityUnit":"u","netWeightKg":12.5}',
    );
    const minimal = normalizeCustoms(raw({ reporter: "SG", partner: "CN", flow: "X", hs_code: "854231", period: "2024", value: "0" }));
    expect(minimal.ok && JSON.stringify(minimal.record)).toBe(
      '{"schemaVersion":1,"classification":"HS","reporter":"SG","reporterName":"Singapore","partner":"CN","partnerName":"China",' +
        '"flow":"export","hsCode":"854231","hs6":"854231","period":"2024","frequency":"A","valueUsd":0,"flags":[],"asOf":"1970-01-01",' +
        '"provenance":{"source":"test","file":"test.csv","line":2,"ingestRun":"run-1","format":"customs-csv"}}',
    );
  });
});

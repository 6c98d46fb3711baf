import { describe, expect, it } from "vitest";
import { csvCell, SHARES_CSV_COLUMNS, sharesCsv } from "./sharesCsv";
import { compositionOf as composition } from "./compositionOf";

describe("sharesCsv", () => {
  it("writes a row per entity, basis, period and region, revenue and customs alike", () => {
    const csv = sharesCsv([
      composition(
        { reporter: "SG", hs: "854231", flow: "import" },
        "2024-08",
        { TW: 3, KR: 1 },
        { names: { TW: "Taiwan", KR: "Korea, Rep." } },
      ),
      composition({ company: "NVDA" }, "FY2025-Q3", { SG: 22, US: 78 }, { names: { SG: "Singapore", US: "United States" } }),
      composition({ company: "NVDA" }, "FY2024-Q3", { SG: 13, US: 87 }, { basis: "shipping" }),
    ]);
    expect(csv.endsWith("\r\n")).toBe(true);
    expect(csv.split("\r\n")).toEqual([
      SHARES_CSV_COLUMNS.join(","),
      "NVDA,,,,billing,FY2025-Q3,US,United States,78,0.78,100,,",
      "NVDA,,,,billing,FY2025-Q3,SG,Singapore,22,0.22,100,,",
      "NVDA,,,,shipping,FY2024-Q3,US,US,87,0.87,100,,",
      "NVDA,,,,shipping,FY2024-Q3,SG,SG,13,0.13,100,,",
      ",SG,import,854231,,2024-08,TW,Taiwan,3,0.75,4,,",
      ',SG,import,854231,,2024-08,KR,"Korea, Rep.",1,0.25,4,,',
      "",
    ]);
  });

  it("quotes separators and defuses cells a spreadsheet would run as formulas", () => {
    expect(csvCell('say "hi", then\nleave')).toBe('"say ""hi"", then\nleave"');
    expect(csvCell("=HYPERLINK(1)")).toBe("'=HYPERLINK(1)");
    expect(csvCell("@SUM(A1)")).toBe("'@SUM(A1)");
    expect(csvCell("-1+1,2")).toBe(`"'-1+1,2"`);
    expect(csvCell("Singapore")).toBe("Singapore");
  });
});

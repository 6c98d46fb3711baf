import { describe, expect, it } from "vitest";
import { companyCalendar, fiscalQuarterDates, lastWeekdayOfMonth, monthsCovered } from "./fiscalCalendar";

describe("fiscal calendars", () => {
  const nvda = companyCalendar("nvda");
  if (!nvda) throw new Error("NVDA calendar missing");

  it("finds the last Sunday of January", () => {
    expect(new Date(lastWeekdayOfMonth(2025, 1, 0)).toISOString().slice(0, 10)).toBe("2025-01-26");
    expect(new Date(lastWeekdayOfMonth(2024, 1, 0)).toISOString().slice(0, 10)).toBe("2024-01-28");
  });

  it("lays NVIDIA quarters on the dates its filings print", () => {
    // FY2025: Q1 ended 2024-04-28, Q2 2024-07-28, Q3 2024-10-27, Q4 2025-01-26
    expect(fiscalQuarterDates(nvda, { fiscalYear: 2025, quarter: 1 })).toEqual({ start: "2024-01-29", end: "2024-04-28" });
    expect(fiscalQuarterDates(nvda, { fiscalYear: 2025, quarter: 2 }).end).toBe("2024-07-28");
    expect(fiscalQuarterDates(nvda, { fiscalYear: 2025, quarter: 3 })).toEqual({ start: "2024-07-29", end: "2024-10-27" });
    expect(fiscalQuarterDates(nvda, { fiscalYear: 2025, quarter: 4 })).toEqual({ start: "2024-10-28", end: "2025-01-26" });
    // FY2023 Q3 ended 2022-10-30
    expect(fiscalQuarterDates(nvda, { fiscalYear: 2023, quarter: 3 }).end).toBe("2022-10-30");
  });

  it("gives the 53rd week to Q4 and tiles years without gaps", () => {
    // FY2016 (2015-01-26 .. 2016-01-31) had 53 weeks
    const q4 = fiscalQuarterDates(nvda, { fiscalYear: 2016, quarter: 4 });
    expect(q4.end).toBe("2016-01-31");
    expect((Date.parse(q4.end) - Date.parse(q4.start)) / 86_400_000 + 1).toBe(98);
    for (let y = 2010; y < 2035; y++) {
      const end = fiscalQuarterDates(nvda, { fiscalYear: y, quarter: 4 }).end;
      const next = fiscalQuarterDates(nvda, { fiscalYear: y + 1, quarter: 1 }).start;
      expect(Date.parse(next) - Date.parse(end)).toBe(86_400_000);
    }
  });

  it("handles month-end calendars and config overrides", () => {
    const msft = companyCalendar("MSFT");
    if (!msft) throw new Error("MSFT calendar missing");
    expect(fiscalQuarterDates(msft, { fiscalYear: 2025, quarter: 1 })).toEqual({ start: "2024-07-01", end: "2024-09-30" });
    const acme = companyCalendar("acme", { ACME: { kind: "month-end", endMonth: 12 } });
    if (!acme) throw new Error("override missing");
    expect(fiscalQuarterDates(acme, { fiscalYear: 2024, quarter: 4 })).toEqual({ start: "2024-10-01", end: "2024-12-31" });
    expect(companyCalendar("UNKNOWN")).toBeUndefined();
  });

  it("lists the months a quarter overlaps", () => {
    expect(monthsCovered({ start: "2024-07-29", end: "2024-10-27" })).toEqual(["2024-07", "2024-08", "2024-09", "2024-10"]);
  });
});

import { describe, expect, it } from "vitest";
import { parseReportingPeriod } from "./fiscalPeriod";
import { resolveRevenueRegion } from "./regions";
import { parseRevenueBasis } from "./revenueBasis";

describe("resolveRevenueRegion (labels as filings print them)", () => {
  it("reads a country that states what it leaves out as the country itself", () => {
    expect(resolveRevenueRegion("Mainland China (excluding Hong Kong)")).toMatchObject({ id: "CN", kind: "country" });
    expect(resolveRevenueRegion("Hong Kong")).toMatchObject({ id: "HK", kind: "country" });
  });
  it("keeps a group's stated membership and never resolves a number as a label", () => {
    expect(resolveRevenueRegion("Other countries (including Singapore)")).toEqual({
      id: "GROUP:OTHER",
      name: "Other countries",
      kind: "group",
      includes: ["SG"],
    });
    expect(resolveRevenueRegion("Rest of world, excl. Singapore")).toMatchObject({ id: "GROUP:OTHER", excludes: ["SG"] });
    expect(resolveRevenueRegion("2,345")).toBeNull();
    expect(resolveRevenueRegion("  ")).toBeNull();
  });
  it("keeps an unknown label as an opaque region named as printed", () => {
    expect(resolveRevenueRegion("Sovereign customers")).toEqual({
      id: "LABEL:sovereign-customers",
      name: "Sovereign customers",
      kind: "opaque",
    });
  });
});

describe("periods and bases", () => {
  it.each([
    ["FY2019", "year"],
    ["FY19", "year"],
    ["2019", "year"],
    ["FY2025-H1", "half"],
    ["1H FY2025", "half"],
    ["Q3 FY2025", "quarter"],
  ])("%s is a %s", (text, frequency) => {
    expect(parseReportingPeriod(text)?.frequency).toBe(frequency);
  });
  it("rejects what is not a period or a basis", () => {
    expect(parseReportingPeriod("Q5 2025")).toBeNull();
    expect(parseReportingPeriod("FY2025-H3")).toBeNull();
    expect(parseRevenueBasis("vibes")).toBeNull();
    expect(parseRevenueBasis("Customer HQ")).toBe("headquarters");
    expect(parseRevenueBasis("location of customers' headquarters")).toBe("headquarters");
    expect(parseRevenueBasis("based upon the location of the customers' headquarters")).toBe("headquarters");
    expect(parseRevenueBasis("Billing location of the customer")).toBe("billing");
    expect(parseRevenueBasis("billed to or shipped to")).toBeNull();
  });
});

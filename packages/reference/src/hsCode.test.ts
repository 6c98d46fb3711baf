import { describe, expect, it } from "vitest";
import { toUsd } from "./currency";
import { parseHsCode } from "./hsCode";

describe("parseHsCode", () => {
  it.each([
    ["01", "01", "01", 2],
    ["8542", "8542", "8542", 4],
    ["854231", "854231", "854231", 6],
    ["8542.31", "854231", "854231", 6],
    ["85423100002", "85423100002", "854231", 6],
    ["0101210010", "0101210010", "010121", 6],
  ])("%s -> full %s, hs6 %s", (text, full, hs6, level) => {
    expect(parseHsCode(text)).toEqual({ full, hs6, level });
  });
  it.each(["", "TOTAL", "1", "101", "85423", "8542A1", "1234567890123"])("rejects %j", (text) => {
    expect(parseHsCode(text)).toBeNull();
  });
});

describe("toUsd", () => {
  it("applies scale and configured rates", () => {
    expect(toUsd(2, "usd", "millions")).toBe(2_000_000);
    expect(toUsd(10, "TWD", "thousands", { TWD: 0.031 })).toBeCloseTo(310);
    expect(toUsd(1, "EUR", "units")).toBeNull();
    expect(toUsd(1, "euro", "units", { EURO: 1 })).toBeNull();
  });
});

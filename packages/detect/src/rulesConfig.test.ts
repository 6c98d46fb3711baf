import { describe, expect, it } from "vitest";
import { DEFAULT_LEVEL_SHIFT } from "./levelShift";
import { DEFAULT_RULES, parseRulesConfig } from "./rulesConfig";
import { DEFAULT_SHARE_SHIFT } from "./shareShift";

describe("rules config", () => {
  it("an empty file gives the defaults", () => {
    expect(parseRulesConfig("")).toEqual(DEFAULT_RULES);
    expect(DEFAULT_RULES.shareShift).toEqual(DEFAULT_SHARE_SHIFT);
    expect(DEFAULT_RULES.levelShift).toEqual(DEFAULT_LEVEL_SHIFT);
  });

  it("YAML overrides single fields and keeps the other defaults", () => {
    const rules = parseRulesConfig("shareShift:\n  minShiftPp: 5\nlevelShift:\n  enabled: false\n");
    expect(rules.shareShift).toEqual({ ...DEFAULT_SHARE_SHIFT, minShiftPp: 5 });
    expect(rules.levelShift.enabled).toBe(false);
  });

  it("JSON is accepted too", () => {
    expect(parseRulesConfig('{"definitionChange": {"tolerancePp": 3}}').definitionChange.tolerancePp).toBe(3);
  });

  it("errors name the file and the field", () => {
    expect(() => parseRulesConfig("shareShift:\n  minShiftPp: -1\n", "rules.yaml")).toThrow(
      "rules.yaml: shareShift.minShiftPp: expected a positive number of percentage points",
    );
    expect(() => parseRulesConfig("shareShift:\n  minShiftP: 5\n", "rules.yaml")).toThrow(/rules\.yaml: shareShift/);
    expect(() => parseRulesConfig("shareShift: [", "rules.yaml")).toThrow(/rules\.yaml: not valid YAML or JSON/);
    expect(() => parseRulesConfig("shareShift:\n  window: 2\n  minHistory: 4\n", "r.json")).toThrow(/minHistory must not exceed window/);
  });
});

describe("rules config: customs rules", () => {
  it("defaults the destinations of concern to CN, HK, MO, RU and validates codes", () => {
    expect(DEFAULT_RULES.reexportSurge.destinations).toEqual(["CN", "HK", "MO", "RU"]);
    expect(() => parseRulesConfig("reexportSurge:\n  destinations: [china]\n", "r.yaml")).toThrow(
      "r.yaml: reexportSurge.destinations.0: expected ISO 3166 alpha-2 codes",
    );
  });
});

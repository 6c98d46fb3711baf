import { describe, expect, it } from "vitest";
import { parseRulesConfig } from "../rulesConfig";
import { getRulePack, RULE_PACKS, RulePack, rulePackInEffect } from "./index";

describe("rule packs (illustrative, not legal advice)", () => {
  it("ships versioned packs that pass the schema and say they are illustrative", () => {
    expect([...RULE_PACKS.keys()]).toEqual(["export-controlled-accelerators@2024.1", "export-controlled-accelerators@2025.1"]);
    for (const pack of RULE_PACKS.values()) {
      expect(RulePack.parse(pack)).toEqual(pack);
      expect(pack.illustrative).toBe(true);
      expect(pack.disclaimer).toMatch(/not legal advice/);
    }
    expect(() => getRulePack("export-controlled-accelerators@1999.1")).toThrow(/unknown rule pack/);
  });

  it("applies goods and destinations by effective date", () => {
    const pack = getRulePack("export-controlled-accelerators@2025.1");
    const early = rulePackInEffect(pack, "2023-01");
    expect(early.hsPrefixes).toEqual(["847180", "847330", "854231"]);
    expect(early.destinations).toEqual(["BY", "CN", "HK", "MO", "RU"]);
    expect(rulePackInEffect(pack).hsPrefixes).toEqual(expect.arrayContaining(["847150", "854231", "854232", "851762"]));
    expect(rulePackInEffect(pack, "2021-12-31").destinations).toEqual(["HK"]);
  });

  it("is selected in the rules config by name@version and feeds the re-export surge and corroboration rules", () => {
    const rules = parseRulesConfig("rulePack: export-controlled-accelerators@2024.1\n");
    expect(rules.reexportSurge.hsPrefixes).toEqual(rulePackInEffect(getRulePack("export-controlled-accelerators@2024.1")).hsPrefixes);
    expect(rules.reexportSurge.destinations).toEqual(["CN", "HK", "MO", "RU"]);
    expect(rules.corroboration.destinations).toEqual(["CN", "HK", "MO", "RU"]);
    // explicit settings win over the pack
    expect(
      parseRulesConfig("rulePack: export-controlled-accelerators@2025.1\nreexportSurge:\n  destinations: [RU]\n").reexportSurge
        .destinations,
    ).toEqual(["RU"]);
    expect(() => parseRulesConfig("rulePack: export-controlled-accelerators@1999.1\n", "r.yaml")).toThrow(
      /r\.yaml: rulePack: unknown rule pack/,
    );
    expect(() => parseRulesConfig("rulePack: latest\n", "r.yaml")).toThrow(/expected name@version/);
  });
});

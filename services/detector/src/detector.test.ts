import { entityKey, parseRulesConfig } from "@entrepot/detect";
import { CustomsClean, TOPIC_CATALOG } from "@entrepot/schemas";
import { describe, expect, it } from "vitest";
import { companiesTouchedBy, customsScopesOf } from "./detector";
import { alertScope, scopeKind } from "./detectorState";

const rules = parseRulesConfig('watchList:\n  - { company: NVDA, hubs: [SG], hsCodes: ["854231"], origins: [TW] }\n');
const rec = (reporter: string, partner: string, flow: "import" | "export", hsCode: string) =>
  CustomsClean.parse({
    schemaVersion: 1,
    classification: "HS",
    reporter,
    reporterName: reporter,
    partner,
    partnerName: partner,
    flow,
    hsCode,
    hs6: hsCode.slice(0, 6),
    period: "2024-07",
    frequency: "M",
    valueUsd: 1,
    flags: [],
    asOf: "2024-09-01",
    provenance: { source: "t", file: "t", line: 1, ingestRun: "r", format: "customs-csv" },
  });

describe("detector scopes for customs facts", () => {
  it("a fact dirties its HS6, its reporter for watched goods, and the watched companies it concerns", () => {
    expect(customsScopesOf(rec("MY", "HK", "export", "85423190"), rules)).toEqual(["hs6:854231", "reporter:MY"]);
    expect(customsScopesOf(rec("MY", "HK", "export", "300490"), rules)).toEqual(["hs6:300490"]);
    expect(companiesTouchedBy(rec("US", "TW", "import", "854231"), rules)).toEqual(["NVDA"]); // denominator of the shipping share
    expect(companiesTouchedBy(rec("SG", "CN", "export", "854231"), rules)).toEqual(["NVDA"]); // the hub's exports
    expect(companiesTouchedBy(rec("US", "KR", "import", "854231"), rules)).toEqual([]);
  });

  it("stores each alert with the scope that produces it", () => {
    expect(alertScope({ rule: "mirror_gap", entity: { reporter: "TW", partner: "SG", hs: "854231" } })).toBe("hs6:854231");
    expect(alertScope({ rule: "reexport_surge", entity: { reporter: "MY", hs: "x" } })).toBe("reporter:MY");
    expect(alertScope({ rule: "corroboration", entity: { company: "NVDA" } })).toBe("NVDA");
  });

  it("tells a scope's kind from its prefix: HS6 code, reporter, else a company", () => {
    expect(["hs6:854231", "reporter:MY", "NVDA"].map(scopeKind)).toEqual(["hs6", "reporter", "company"]);
  });
});

describe("shares.v1 keys", () => {
  it("the catalog keys a composition as the detector always did: entity|period", () => {
    const entities: Record<string, string>[] = [{ company: "NVDA" }, { reporter: "SG", hs: "854231", flow: "export" }];
    for (const entity of entities) {
      const c = { schemaVersion: 1 as const, entity, period: "FY2025-Q3", total: 1, parts: [], evidence: [] };
      expect(TOPIC_CATALOG.shares.key(c)).toBe(`${entityKey(entity)}|FY2025-Q3`);
    }
  });
});

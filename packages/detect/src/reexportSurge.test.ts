import { CustomsClean } from "@entrepot/schemas";
import { describe, expect, it } from "vitest";
import { DEFAULT_REEXPORT_SURGE, detectReexportSurges } from "./reexportSurge";
import { parseRulesConfig } from "./rulesConfig";

const NAMES: Record<string, string> = { SG: "Singapore", CN: "China", HK: "Hong Kong", US: "United States", TW: "Taiwan" };

function rec(partner: string, flow: "export" | "re-export" | "import", period: string, valueUsd: number): CustomsClean {
  return CustomsClean.parse({
    schemaVersion: 1,
    classification: "HS",
    reporter: "SG",
    reporterName: "Singapore",
    partner,
    partnerName: NAMES[partner],
    flow,
    hsCode: "854231",
    hs6: "854231",
    period,
    frequency: "M",
    valueUsd,
    flags: [],
    asOf: "2024-12-01",
    provenance: { source: "test", file: "t.csv", line: 1, ingestRun: "r", format: "customs-csv" },
  });
}

/** Six calm months (2024-01..06) then month 7 as given, in $m. */
function hub(july: { cn: number; hk: number; us: number; imports: number }) {
  const months = ["2024-01", "2024-02", "2024-03", "2024-04", "2024-05", "2024-06"];
  return [
    ...months.flatMap((p, i) => [
      rec("CN", "export", p, (10 + (i % 2)) * 1e6),
      rec("HK", "re-export", p, 5e6),
      rec("US", "export", p, 40e6),
      rec("TW", "import", p, (50 + (i % 3)) * 1e6),
    ]),
    rec("CN", "export", "2024-07", july.cn * 1e6),
    rec("HK", "re-export", "2024-07", july.hk * 1e6),
    rec("US", "export", "2024-07", july.us * 1e6),
    rec("TW", "import", "2024-07", july.imports * 1e6),
  ];
}

describe("re-export surge (hub exports to destinations of concern up while its imports rise)", () => {
  it("fires when exports to China and Hong Kong triple while imports of the same goods rise", () => {
    const drafts = detectReexportSurges(hub({ cn: 35, hk: 12, us: 40, imports: 90 }));
    expect(drafts.map((d) => d.period)).toEqual(["2024-07"]);
    const [d] = drafts;
    expect(d).toMatchObject({ rule: "reexport_surge", entity: { reporter: "SG" }, severity: "critical" });
    expect(d?.summary).toMatch(
      /^Singapore's exports of processors and accelerators \(HS 854231, 847330, 847180\) to China, Hong Kong reached \$47\.0m in 2024-07, x3\.0 the median of the previous 6 months, 54\.0% of its exports of these goods \(\+26\.\d pp\), while its imports of the same goods rose x1\.8; /,
    );
  });

  it("stays quiet when the hub's imports are flat (goods not flowing through) or exports to concern are ordinary", () => {
    expect(detectReexportSurges(hub({ cn: 35, hk: 12, us: 40, imports: 51 }))).toEqual([]);
    expect(detectReexportSurges(hub({ cn: 11, hk: 5, us: 45, imports: 90 }))).toEqual([]);
  });

  it("needs a minimum history and honours the destination list", () => {
    const july = hub({ cn: 35, hk: 12, us: 40, imports: 90 });
    expect(detectReexportSurges(july.filter((r) => r.period >= "2024-06"))).toEqual([]);
    expect(detectReexportSurges(july, { ...DEFAULT_REEXPORT_SURGE, destinations: ["RU"] })).toEqual([]);
  });

  it("says whether a selected rule pack's controls were in effect in the alert's month", () => {
    const pack = parseRulesConfig("rulePack: export-controlled-accelerators@2025.1\n").reexportSurge;
    const [inForce] = detectReexportSurges(hub({ cn: 35, hk: 12, us: 40, imports: 90 }), pack);
    expect(inForce?.summary).toMatch(
      /Rule pack export-controlled-accelerators@2025\.1: controls on \d+ of its \d+ listed goods to CN \(since 2022-10-07\), HK \(since 2020-07-14\) were in effect in 2024-07\.$/,
    );
    // the same surge in 2019, before any entry of the pack applied
    const early = hub({ cn: 35, hk: 12, us: 40, imports: 90 }).map((r) => ({ ...r, period: r.period.replace("2024", "2019") }));
    const [before] = detectReexportSurges(early, pack);
    expect(before?.summary).toMatch(
      /no control on these goods to these destinations was yet in effect in 2019-07 \(the earliest applies from 20\d\d-\d\d-\d\d\)\.$/,
    );
    // without a pack, no such sentence
    expect(detectReexportSurges(hub({ cn: 35, hk: 12, us: 40, imports: 90 }))[0]?.summary).not.toMatch(/Rule pack/);
  });
});

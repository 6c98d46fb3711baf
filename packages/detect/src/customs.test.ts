import { describe, expect, it } from "vitest";
import { customsCompositions, DEFAULT_MIRROR_GAP, detectMirrorGaps } from "./customs";
import { customsRecord } from "./testData";

const rec = customsRecord;

describe("customs compositions", () => {
  it("a reporter's exports of a commodity group by partner: shares, latest revision, no World double count", () => {
    const comps = customsCompositions(
      [
        rec("SG", "CN", "export", "854231", "2024-07", 300),
        rec("SG", "CN", "export", "854231", "2024-07", 600, { asOf: "2024-10-01" }), // revision wins
        rec("SG", "US", "export", "847330", "2024-07", 400),
        rec("SG", "GROUP:WORLD", "export", "854231", "2024-07", 1000), // aggregate: ignored
        rec("SG", "US", "export", "300490", "2024-07", 999), // outside the group
        rec("SG", "US", "import", "854231", "2024-07", 999), // other flow
      ],
      { hsPrefixes: ["854231", "847330"], flow: "export", group: "gpu" },
    );
    expect(comps).toHaveLength(1);
    const [c] = comps;
    expect(c?.entity).toEqual({ reporter: "SG", hs: "gpu", flow: "export" });
    expect(c?.total).toBe(1000);
    expect(c?.parts.map((p) => [p.region, p.share])).toEqual([
      ["CN", 0.6],
      ["US", 0.4],
    ]);
  });

  it("carries share changes against the previous month and the same month a year earlier, and HHI", () => {
    const month = (period: string, cn: number, us: number) => [
      rec("SG", "CN", "export", "854231", period, cn),
      rec("SG", "US", "export", "854231", period, us),
    ];
    const comps = customsCompositions([...month("2023-07", 200, 800), ...month("2024-06", 300, 700), ...month("2024-07", 600, 400)], {
      hsPrefixes: ["854231"],
      flow: "export",
    });
    const july = comps.find((c) => c.period === "2024-07");
    const cn = july?.parts.find((p) => p.region === "CN");
    expect(cn?.changePrev).toBeCloseTo(0.3, 12);
    expect(cn?.changeYoy).toBeCloseTo(0.4, 12);
    expect(july?.hhi).toBeCloseTo(0.6 * 0.6 + 0.4 * 0.4, 12);
    // 2024-06 follows a gap (no 2024-05)
    expect(comps.find((c) => c.period === "2024-06")?.gapBefore).toBe(true);
  });
});

describe("mirror gap (exporter FOB vs importer CIF)", () => {
  it("fires when the importer reports half of what the exporter shipped, CIF/FOB-adjusted", () => {
    const drafts = detectMirrorGaps([
      rec("TW", "SG", "export", "854231", "2024-07", 1.2e9),
      rec("SG", "TW", "import", "854231", "2024-07", 0.63e9),
    ]);
    expect(drafts).toHaveLength(1);
    const [d] = drafts;
    expect(d).toMatchObject({ alertId: "mirror_gap|854231+SG+TW|SG|2024-07", rule: "mirror_gap", severity: "critical", region: "SG" });
    expect(d?.observed).toBeCloseTo(0.6e9, 0);
    expect(d?.score).toBeCloseTo(-0.5, 4);
    expect(d?.summary).toBe(
      "Taiwan reported exports of HS 854231 to Singapore of $1.20bn (FOB) in 2024-07, but Singapore reported imports from Taiwan of $630.0m " +
        "(CIF; $600.0m FOB-equivalent): a mirror gap of -50% (tolerance ±25%); customs statistics as reported by each country.",
    );
  });

  it("stays quiet when the only difference is the CIF/FOB margin, or the flow is tiny, or a side is missing", () => {
    expect(
      detectMirrorGaps([rec("TW", "SG", "export", "854231", "2024-07", 1e9), rec("SG", "TW", "import", "854231", "2024-07", 1.05e9)]),
    ).toEqual([]);
    expect(
      detectMirrorGaps([rec("TW", "SG", "export", "854231", "2024-07", 1000), rec("SG", "TW", "import", "854231", "2024-07", 10)]),
    ).toEqual([]);
    expect(detectMirrorGaps([rec("TW", "SG", "export", "854231", "2024-07", 1e9)])).toEqual([]);
  });

  it("uses the latest revision of each side and the configured tolerance", () => {
    const records = [
      rec("TW", "SG", "export", "854231", "2024-07", 1e9),
      rec("SG", "TW", "import", "854231", "2024-07", 0.5e9),
      rec("SG", "TW", "import", "854231", "2024-07", 1.0e9, { asOf: "2024-12-01" }),
    ];
    expect(detectMirrorGaps(records)).toEqual([]);
    expect(detectMirrorGaps(records, { ...DEFAULT_MIRROR_GAP, tolerance: 0.01 })).toHaveLength(1);
  });
});

import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { generateFeeds } from "./generateFeeds";
import { mulberry32 } from "./prng";

const sha = (text: string) => createHash("sha256").update(text).digest("hex");

/** CSV text -> rows keyed by the header (the generator never writes embedded newlines) */
function parseCsv(text: string): Record<string, string>[] {
  const [header, ...lines] = text.trimEnd().split("\n");
  const split = (line: string) =>
    [...line.matchAll(/("([^"]|"")*"|[^,]*)(,|$)/g)].map((m) => (m[1] ?? "").replace(/^"|"$/g, "").replaceAll('""', '"')).slice(0, -1);
  const cols = split(header ?? "");
  return lines.map((l) => Object.fromEntries(split(l).map((v, i) => [cols[i], v])));
}

describe("feed generator (seeded, labelled anomalies)", () => {
  it("mulberry32 is reproducible and uniform enough", () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const xs = Array.from({ length: 10_000 }, () => a.next());
    expect(xs.slice(0, 5)).toEqual(Array.from({ length: 5 }, () => b.next()));
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(Math.abs(xs.reduce((s, x) => s + x, 0) / xs.length - 0.5)).toBeLessThan(0.02);
    expect(mulberry32(43).next()).not.toBe(xs[0]);
  });

  it("same seed -> same bytes; another seed -> other data", () => {
    const one = generateFeeds({ seed: 7, companies: 24, quarters: 16 });
    const two = generateFeeds({ seed: 7, companies: 24, quarters: 16 });
    expect(sha(two.revenueCsv)).toBe(sha(one.revenueCsv));
    expect(sha(two.customsCsv)).toBe(sha(one.customsCsv));
    expect(two.labelsJson).toBe(one.labelsJson);
    const other = generateFeeds({ seed: 8, companies: 24, quarters: 16 });
    expect(other.revenueCsv).not.toBe(one.revenueCsv);
    expect(other.labelsJson).not.toBe(one.labelsJson);
  });

  it("adding companies keeps the ones already generated", () => {
    const small = generateFeeds({ seed: 3, companies: 12, quarters: 16 });
    const large = generateFeeds({ seed: 3, companies: 36, quarters: 16 });
    const syn = (rows: typeof small.revenue) => rows.filter((r) => r.company.startsWith("SYN"));
    expect(syn(large.revenue).slice(0, syn(small.revenue).length)).toEqual(syn(small.revenue));
    expect(large.labels.filter((l) => l.feed === "revenue").slice(0, 12)).toEqual(small.labels.filter((l) => l.feed === "revenue"));
  });

  it("writes the canonical columns and one label per company and hub, every type present", () => {
    const feeds = generateFeeds({ seed: 1, companies: 24, quarters: 20 });
    expect(feeds.revenueCsv.split("\n")[0]).toBe("company,fiscal_period,region,revenue,scale,basis,reported_at");
    expect(feeds.customsCsv.split("\n")[0]).toBe("reporter,partner,flow,hs_code,period,value");
    expect(parseCsv(feeds.revenueCsv)).toEqual(feeds.revenue);
    expect(parseCsv(feeds.customsCsv)).toEqual(feeds.customs);
    expect(JSON.parse(feeds.labelsJson)).toEqual(feeds.labels);
    const revenue = feeds.labels.filter((l) => l.feed === "revenue");
    expect(revenue).toHaveLength(24);
    expect(new Set(revenue.map((l) => l.entity.company)).size).toBe(24);
    expect([...new Set(revenue.map((l) => l.type))].sort()).toEqual(
      ["drop", "gradual_climb", "level_shift", "missing_quarters", "noise", "restatement", "seasonality", "spike"].sort(),
    );
    const customs = feeds.labels.filter((l) => l.feed === "customs");
    expect(customs).toHaveLength(feeds.options.hubs);
    expect(customs.filter((l) => l.type === "surge")).toHaveLength(feeds.options.hubs / 2);
  });

  it("injects what the labels say: steps, spikes, climbs, drops, seasonality, restatements, gaps", () => {
    // noise 0: the shares are exactly the injected ones
    const feeds = generateFeeds({ seed: 5, companies: 12, quarters: 20, noise: 0, scenarios: 0 });
    const share = (company: string, period: string, regionName: string, rows = feeds.revenue) => {
      const mine = rows.filter((r) => r.company === company && r.fiscal_period === period);
      const latest = new Map<string, number>();
      for (const r of [...mine].sort((a, b) => a.reported_at.localeCompare(b.reported_at))) latest.set(r.region, Number(r.revenue));
      const total = [...latest.values()].reduce((s, v) => s + v, 0);
      return ((latest.get(regionName) ?? Number.NaN) / total) * 100;
    };
    const periods = [...new Set(feeds.revenue.map((r) => r.fiscal_period))].sort();
    const idx = (p: string) => periods.indexOf(p);
    const at = (i: number) => periods[i] as string;
    const close = (a: number, b: number) => expect(Math.abs(a - b)).toBeLessThan(0.15);
    for (const label of feeds.labels.filter((l) => l.feed === "revenue")) {
      const c = label.entity.company as string;
      const s = (i: number) => share(c, at(i), label.regionName);
      const i0 = idx(label.start);
      switch (label.type) {
        case "spike":
          close(s(i0) - s(i0 - 4), label.magnitudePp);
          close(s(i0 + 1) - s(i0 - 4), 0);
          break;
        case "level_shift":
        case "drop":
          close(s(i0) - s(i0 - 1), label.magnitudePp);
          close(s(periods.length - 1) - s(i0), 0);
          expect(Math.sign(label.magnitudePp)).toBe(label.type === "drop" ? -1 : 1);
          break;
        case "gradual_climb": {
          const steps = idx(label.end) - i0 + 1;
          expect(steps).toBeGreaterThanOrEqual(3);
          close(s(idx(label.end)) - s(i0 - 1), label.magnitudePp);
          close(s(i0) - s(i0 - 1), label.magnitudePp / steps);
          break;
        }
        case "seasonality":
          close(s(3) - s(0), 1.5 * label.magnitudePp);
          close(s(7) - s(3), 0);
          break;
        case "restatement": {
          const rows = feeds.revenue.filter((r) => r.company === c && r.fiscal_period === label.start && r.region === label.regionName);
          expect(rows).toHaveLength(2);
          const first = feeds.revenue.filter((r) => r !== rows[1]);
          close(share(c, label.start, label.regionName, first) - share(c, label.start, label.regionName), label.magnitudePp);
          close(share(c, label.start, label.regionName) - s(i0 - 4), 0);
          expect((rows[1]?.reported_at ?? "") > (rows[0]?.reported_at ?? "")).toBe(true);
          break;
        }
        case "missing_quarters":
          expect(label.periods?.length).toBeGreaterThanOrEqual(1);
          for (const p of label.periods ?? []) expect(feeds.revenue.some((r) => r.company === c && r.fiscal_period === p)).toBe(false);
          expect(new Set(feeds.revenue.filter((r) => r.company === c).map((r) => r.fiscal_period)).size).toBe(
            20 - (label.periods?.length ?? 0),
          );
          break;
        case "noise":
          for (let i = 1; i < periods.length; i++)
            for (const region of new Set(feeds.revenue.filter((r) => r.company === c).map((r) => r.region)))
              close(share(c, at(i), region), share(c, at(0), region));
          break;
        default:
          throw new Error(`unexpected type ${label.type}`);
      }
    }
  });

  it("customs surges: exports to CN and imports rise together from the labelled month, by the labelled share move", () => {
    const feeds = generateFeeds({ seed: 2, companies: 120, quarters: 12 });
    expect(feeds.options.hubs).toBe(6);
    for (const label of feeds.labels.filter((l) => l.type === "surge")) {
      const rows = feeds.customs.filter((r) => r.reporter === label.entity.reporter && r.hs_code === "854231");
      const month = (p: string, flow: string, partners?: string[]) =>
        rows
          .filter((r) => r.period === p && r.flow === flow && (!partners || partners.includes(r.partner)))
          .reduce((s, r) => s + Number(r.value), 0);
      const months = [...new Set(rows.map((r) => r.period))].sort();
      const i0 = months.indexOf(label.start);
      const before = months[i0 - 1] as string;
      const after = months[i0] as string;
      expect(month(after, "export", ["CN"]) / month(before, "export", ["CN"])).toBeGreaterThan(1.5);
      expect(month(after, "import") / month(before, "import")).toBeGreaterThan(1.1);
      const shareOf = (p: string) => month(p, "export", ["CN", "HK"]) / month(p, "export");
      // 8% noise per row: the realised move is near the label
      expect(Math.abs((shareOf(after) - shareOf(before)) * 100 - label.magnitudePp)).toBeLessThan(6);
    }
  });
});

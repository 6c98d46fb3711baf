import { describe, expect, it } from "vitest";
import { formatStatus, type StatusReport, withRates } from "./status";

const part = (partition: number, committed: number | null, high: number) => ({
  topic: "raw",
  partition,
  committed,
  low: 0,
  high,
  lag: high - (committed ?? 0),
});

describe("status", () => {
  it("measures records/s in (high watermark) and out (committed offset) between two samples", () => {
    const rates = withRates([part(0, 10, 100), part(1, null, 0)], [part(0, 30, 140), part(1, 20, 50)], 2);
    expect(rates.map((r) => [r.inPerSec, r.outPerSec])).toEqual([
      [20, 10],
      [25, 10],
    ]);
    // a partition seen once has no rate yet
    expect(withRates([], [part(0, 1, 2)], 2)[0]).toMatchObject({ inPerSec: 0, outPerSec: 0 });
  });

  it("marks what is missing when Redis is away, and paints the warnings only when asked", () => {
    const report: StatusReport = {
      at: "2025-01-31T12:00:00.000Z",
      prefix: "",
      intervalSeconds: 2,
      kafka: { reachable: true, address: "127.0.0.1:9092", latencyMs: 3, detail: "1 broker(s)" },
      redis: { reachable: false, address: "127.0.0.1:1", error: "connection refused" },
      stages: [
        {
          stage: "normalizer",
          group: "entrepot-normalizer",
          state: "Empty",
          members: 0,
          lag: 40,
          inPerSec: 20,
          outPerSec: 0,
          partitions: withRates([part(0, 10, 10)], [part(0, 10, 50)], 2),
          lastError: { at: "2025-01-31T11:59:00.000Z", reason: "bad_number", message: "revenue x" },
        },
      ],
      rejects: { window: 100, scanned: 3, byReason: { bad_number: 2, unknown_region: 1 } },
      alerts: null,
      deliveries: null,
      missing: ["alerts and deliveries: Redis unreachable at 127.0.0.1:1"],
    };
    const plain = formatStatus(report);
    expect(plain).toContain("redis  DOWN     127.0.0.1:1  connection refused");
    expect(plain).toMatch(/normalizer +Empty +0 +40 +20 +0 +2025-01-31T11:59:00.000Z bad_number/);
    expect(plain).toContain("raw[0]");
    expect(plain).toContain("dead letters (latest 3 of at most 100 per partition): bad_number=2, unknown_region=1");
    expect(plain).toContain("PARTIAL: alerts and deliveries: Redis unreachable at 127.0.0.1:1");
    expect(plain).not.toContain("\u001b");
    const painted = formatStatus(report, (t) => `<${t}>`);
    expect(painted).toContain("<redis  DOWN");
    expect(painted).toContain("<PARTIAL: alerts");
    expect(painted).toMatch(/<normalizer .*bad_number>/);
  });
});

import { Metrics } from "@entrepot/runtime";
import { describe, expect, it } from "vitest";
import { metricsDelta, parseNormalizerMetrics } from "./pipelineRun";

describe("parseNormalizerMetrics", () => {
  it("sums the normalizer's per-feed counters (rejections over every reason) from its /metrics text", () => {
    const m = new Metrics();
    const consumed = m.counter("entrepot_normalizer_consumed_total", "c");
    const rejected = m.counter("entrepot_normalizer_rejected_total", "r");
    const duplicates = m.counter("entrepot_normalizer_duplicates_total", "d");
    m.counter("entrepot_other_total", "x")({ feed: "customs" }, 99);
    consumed({ feed: "customs" }, 5);
    consumed({ feed: "revenue" }, 2);
    rejected({ feed: "customs", reason: "stale_revision" });
    rejected({ feed: "customs", reason: "unknown_country" }, 2);
    duplicates({ feed: "revenue" });
    const before = parseNormalizerMetrics(m.render());
    expect(before).toEqual({
      customs: { consumed: 5, clean: 0, rejected: 3, duplicates: 0 },
      revenue: { consumed: 2, clean: 0, rejected: 0, duplicates: 1 },
    });
    duplicates({ feed: "revenue" }, 3);
    expect(metricsDelta(before, parseNormalizerMetrics(m.render())).revenue).toEqual({ consumed: 0, clean: 0, rejected: 0, duplicates: 3 });
  });

  it("reads nothing from an exposition without the normalizer's counters", () => {
    expect(parseNormalizerMetrics("# HELP x\nentrepot_normalizer_consumed_total 4\n").customs.consumed).toBe(0);
  });
});

import { describe, expect, it } from "vitest";
import { Metrics } from "./metrics";

describe("Metrics", () => {
  it("counts by label set and sums over partial label matches", () => {
    const m = new Metrics();
    const rejected = m.counter("entrepot_rejected_total", "records rejected");
    rejected({ reason: "bad_number", stage: "normalize" });
    rejected({ stage: "normalize", reason: "bad_number" }, 2);
    rejected({ reason: "missing_field", stage: "normalize" });
    expect(m.value("entrepot_rejected_total", { reason: "bad_number" })).toBe(3);
    expect(m.value("entrepot_rejected_total", { stage: "normalize" })).toBe(4);
    expect(m.value("entrepot_unknown_total")).toBe(0);
  });

  it("renders Prometheus text with escaped label values", () => {
    const m = new Metrics();
    m.counter("c_total", "help text")({ file: 'a"b' });
    expect(m.render()).toBe('# HELP c_total help text\n# TYPE c_total counter\nc_total{file="a_b"} 1\n');
  });
});

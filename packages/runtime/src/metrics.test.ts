import { describe, expect, it } from "vitest";
import { METRIC, Metrics } from "./metrics";

describe("Metrics", () => {
  it("counts by label set and sums over partial label matches", async () => {
    const m = new Metrics();
    const rejected = m.counter("entrepot_x_rejected_total", "records rejected", ["reason", "stage"]);
    rejected({ reason: "bad_number", stage: "normalize" });
    rejected({ stage: "normalize", reason: "bad_number" }, 2);
    rejected({ reason: "missing_field", stage: "normalize" });
    expect(await m.value("entrepot_x_rejected_total", { reason: "bad_number" })).toBe(3);
    expect(await m.value("entrepot_x_rejected_total", { stage: "normalize" })).toBe(4);
    expect(await m.value("entrepot_unknown_total")).toBe(0);
    // the same name is the same counter
    m.counter("entrepot_x_rejected_total", "records rejected", ["reason", "stage"])({ reason: "bad_number", stage: "normalize" });
    expect(await m.value("entrepot_x_rejected_total", { reason: "bad_number" })).toBe(4);
  });

  it("refuses a label the counter was not declared with", () => {
    const count = new Metrics().counter("entrepot_y_total", "y", ["feed"]);
    expect(() => count({ feed: "revenue", oops: "x" } as never)).toThrow(/oops/);
  });

  it("renders Prometheus text with escaped label values", async () => {
    const m = new Metrics();
    m.counter("c_total", "help text", ["file"])({ file: 'a"b\\c' });
    expect(await m.render()).toContain('# HELP c_total help text\n# TYPE c_total counter\nc_total{file="a\\"b\\\\c"} 1\n');
    expect(m.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
  });

  it("serves the stage counters as a JSON record per stage and feed", async () => {
    const m = new Metrics();
    const normalize = m.stage("normalize");
    normalize.in("revenue", 5);
    normalize.out("revenue", 3);
    normalize.rejected("revenue", "bad_number");
    normalize.dropped("revenue", "duplicate");
    normalize.in("customs");
    normalize.rejected("customs", "unknown_country");
    m.stage("detect").in("revenue", 3);
    expect(await m.stats()).toEqual({
      stages: {
        normalize: {
          revenue: { in: 5, out: 3, rejected: 1, dropped: 1, rejectedByReason: { bad_number: 1 }, droppedByReason: { duplicate: 1 } },
          customs: { in: 1, out: 0, rejected: 1, dropped: 0, rejectedByReason: { unknown_country: 1 }, droppedByReason: {} },
        },
        detect: { revenue: { in: 3, out: 0, rejected: 0, dropped: 0, rejectedByReason: {}, droppedByReason: {} } },
      },
    });
    const text = await m.render();
    expect(text).toContain('entrepot_records_in_total{stage="normalize",feed="revenue"} 5');
    expect(text).toContain('entrepot_records_dropped_total{stage="normalize",feed="revenue",reason="duplicate"} 1');
  });

  it("reads queue depth when scraped and keeps the last values when the read fails", async () => {
    const m = new Metrics();
    const errors: Error[] = [];
    let counts: Record<string, number> | undefined = { waiting: 2, active: 1, delayed: 0, failed: 4 };
    m.queueDepth(
      "deliveries",
      async () => {
        if (!counts) throw new Error("redis away");
        return counts;
      },
      (err) => errors.push(err),
    );
    expect(await m.render()).toContain('entrepot_queue_jobs{queue="deliveries",state="failed"} 4');
    counts = undefined;
    const text = await m.render();
    expect(text).toContain('entrepot_queue_jobs{queue="deliveries",state="waiting"} 2');
    expect(errors.map((e) => e.message)).toEqual(["redis away"]);
  });

  it("observes histograms into buckets and adds the process metrics on request", async () => {
    const m = new Metrics();
    m.batchDuration.observe({ stage: "normalize" }, 0.03);
    m.deliveryDuration.observe({ outcome: "delivered" }, 0.2);
    let text = await m.render();
    expect(text).toContain(`${METRIC.batchDuration}_bucket{le="0.05",stage="normalize"} 1`);
    expect(text).toContain(`${METRIC.batchDuration}_bucket{le="0.025",stage="normalize"} 0`);
    expect(text).toContain(`${METRIC.deliveryDuration}_count{outcome="delivered"} 1`);
    expect(text).not.toContain("process_cpu_user_seconds_total");
    m.collectDefaults();
    text = await m.render();
    expect(text).toContain("process_cpu_user_seconds_total");
    expect(text).toContain("nodejs_eventloop_lag_seconds");
  });

  it("defines service-specific histograms and read-on-scrape gauges once per name", async () => {
    const m = new Metrics();
    const wait = m.histogram("svc_wait_seconds", "waits", [1, 10], ["kind"]);
    wait(0.5, { kind: "company" });
    m.histogram("svc_wait_seconds", "waits", [1, 10], ["kind"])(20, { kind: "company" });
    let pending = 3;
    m.gauge("svc_pending", "pending", () => pending);
    m.gauge("svc_pending", "pending", () => -1); // the first definition stays
    let text = await m.render();
    expect(text).toContain(`svc_wait_seconds_bucket{le="1",kind="company"} 1`);
    expect(text).toContain(`svc_wait_seconds_bucket{le="+Inf",kind="company"} 2`);
    expect(text).toContain("svc_pending 3");
    pending = 7;
    text = await m.render();
    expect(text).toContain("svc_pending 7");
  });
});

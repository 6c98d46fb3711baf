import { afterEach, describe, expect, it } from "vitest";
import { type HealthServer, startHealthServer } from "./healthServer";
import { Metrics } from "./metrics";

let server: HealthServer | undefined;
afterEach(() => server?.close());

describe("health server", () => {
  it("answers /healthz, /readyz by the checks, /metrics and /stats", async () => {
    let ready = false;
    const metrics = new Metrics();
    metrics.counter("entrepot_x_total", "x", ["reason"])({ reason: "bad_number" }, 3);
    metrics.stage("normalize").in("revenue", 2);
    server = await startHealthServer({
      port: 0,
      checks: { worker: { ready: () => ready }, redis: { ready: () => true } },
      metrics,
      stats: () => metrics.stats(),
    });
    const base = `http://127.0.0.1:${server.port}`;
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const notReady = await fetch(`${base}/readyz`);
    expect(notReady.status).toBe(503);
    expect(await notReady.json()).toEqual({ ready: false, checks: { worker: false, redis: true } });
    ready = true;
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    ready = false;
    expect((await fetch(`${base}/readyz`)).status).toBe(503);
    const res = await fetch(`${base}/metrics`);
    expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(await res.text()).toContain('entrepot_x_total{reason="bad_number"} 3');
    const stats = await fetch(`${base}/stats`);
    expect(stats.headers.get("content-type")).toBe("application/json");
    expect(((await stats.json()) as { stages: { normalize: { revenue: { in: number } } } }).stages.normalize.revenue.in).toBe(2);
    expect((await fetch(`${base}/nope`)).status).toBe(404);
    expect((await fetch(`${base}/readyz`, { method: "POST" })).status).toBe(405);
  });

  it("answers 500 and reports the error when the metrics cannot be rendered", async () => {
    const errors: string[] = [];
    server = await startHealthServer({
      port: 0,
      checks: {},
      metrics: { contentType: "text/plain", render: () => Promise.reject(new Error("collect failed")) },
      onError: (err) => errors.push(err.message),
    });
    const res = await fetch(`http://127.0.0.1:${server.port}/metrics`);
    expect(res.status).toBe(500);
    expect(errors).toEqual(["collect failed"]);
  });

  it("listens on the given bind address", async () => {
    server = await startHealthServer({ port: 0, host: "0.0.0.0", checks: {} });
    expect((await fetch(`http://127.0.0.1:${server.port}/healthz`)).status).toBe(200);
  });
});

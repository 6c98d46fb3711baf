import { afterEach, describe, expect, it } from "vitest";
import { type HealthServer, startHealthServer } from "./healthServer";
import { Metrics } from "./metrics";

let server: HealthServer | undefined;
afterEach(() => server?.close());

describe("health server", () => {
  it("answers /healthz, /readyz by the checks, and /metrics", async () => {
    let ready = false;
    const metrics = new Metrics();
    metrics.counter("entrepot_x_total", "x")({ reason: "bad_number" }, 3);
    server = await startHealthServer({ port: 0, checks: { worker: { ready: () => ready } }, metrics: () => metrics.render() });
    const base = `http://127.0.0.1:${server.port}`;
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const notReady = await fetch(`${base}/readyz`);
    expect(notReady.status).toBe(503);
    expect(await notReady.json()).toEqual({ ready: false, checks: { worker: false } });
    ready = true;
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    expect(await (await fetch(`${base}/metrics`)).text()).toContain('entrepot_x_total{reason="bad_number"} 3');
    expect((await fetch(`${base}/nope`)).status).toBe(404);
  });
});

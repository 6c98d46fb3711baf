import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Metrics } from "@entrepot/runtime";
import { describe, expect, it } from "vitest";
import { metricsDelta, normalizerCounts, scrapeNormalizerMetrics } from "./pipelineRun";

describe("normalizerCounts", () => {
  it("takes the normalize stage's per-feed counts (rejections over every reason) from a /stats record", async () => {
    const m = new Metrics();
    const normalize = m.stage("normalize");
    m.stage("detect").in("customs", 99);
    normalize.in("customs", 5);
    normalize.in("revenue", 2);
    normalize.rejected("customs", "stale_revision");
    normalize.rejected("customs", "unknown_country", 2);
    normalize.dropped("revenue", "duplicate");
    const before = normalizerCounts(await m.stats());
    expect(before).toEqual({
      customs: { consumed: 5, clean: 0, rejected: 3, duplicates: 0 },
      revenue: { consumed: 2, clean: 0, rejected: 0, duplicates: 1 },
    });
    normalize.dropped("revenue", "duplicate", 3);
    expect(metricsDelta(before, normalizerCounts(await m.stats())).revenue).toEqual({ consumed: 0, clean: 0, rejected: 0, duplicates: 3 });
  });

  it("reads zeros from a service without a normalize stage", () => {
    expect(normalizerCounts({ stages: { detect: {} } }).customs).toEqual({ consumed: 0, clean: 0, rejected: 0, duplicates: 0 });
  });

  it("reads /stats from the server of the URL it is given, and refuses a record of another shape", async () => {
    const m = new Metrics();
    m.stage("normalize").in("revenue", 4);
    let body = async () => JSON.stringify(await m.stats());
    const paths: string[] = [];
    const server = createServer((req, res) => {
      paths.push(req.url ?? "");
      void body().then((b) => res.writeHead(200, { "content-type": "application/json" }).end(b));
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      expect((await scrapeNormalizerMetrics(`${base}/metrics`)).revenue.consumed).toBe(4);
      expect((await scrapeNormalizerMetrics(base)).revenue.consumed).toBe(4);
      expect(paths).toEqual(["/stats", "/stats"]);
      body = async () => '{"revenue":{"consumed":4}}';
      await expect(scrapeNormalizerMetrics(base)).rejects.toThrow();
    } finally {
      server.close();
    }
  });
});

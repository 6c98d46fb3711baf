import { readFileSync } from "node:fs";
import { AlertLog, SharesStore } from "@entrepot/delivery";
import { type ChartModel, compositionOf, echartsPath, SHARES_CSV_COLUMNS } from "@entrepot/report";
import { createLogger } from "@entrepot/runtime";
import { alertFixture as alert, uniquePrefix } from "@entrepot/testkit";
import { generateSecretKey, SecretBox } from "@entrepot/webhooks";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { hashApiKey, parseApiKeys } from "../apiKeys";
import { buildApi } from "../app";
import { DASHBOARD_CSP } from "./dashboardRoutes";

const KEY = "dashboard-test-key-0123456789";
const NVDA = { company: "NVDA" };
const names = { SG: "Singapore", US: "United States" };

describe("dashboard and /v1/shares on real Redis", () => {
  const prefix = uniquePrefix("dash");
  const redis = new Redis(inject("redisUrl"));
  const app = buildApi({
    redis,
    topicPrefix: prefix,
    // the dashboard only reads: a read-scope key
    apiKeys: parseApiKeys(`dashboard:read:${hashApiKey(KEY)}`),
    secretBox: new SecretBox(generateSecretKey()),
    logger: createLogger({ name: "dashboard-test", level: "warn" }),
  });
  const auth = { authorization: `Bearer ${KEY}` };
  const shift = alert({ rule: "share_shift_yoy", region: "SG", period: "FY2025-Q3", regionName: "Singapore", severity: "critical" });
  const mirror = alert({
    rule: "mirror_gap",
    entity: { reporter: "TW", partner: "SG", hs: "854231" },
    region: "SG",
    period: "2024-08",
    detectedAt: "2026-01-02T00:00:00.000Z",
  });

  beforeAll(async () => {
    await app.ready();
    await new SharesStore(redis, prefix).put(
      [
        compositionOf(NVDA, "FY2024-Q3", { SG: 13, US: 87 }, { names }),
        compositionOf(NVDA, "FY2025-Q3", { SG: 22, US: 78 }, { names }),
        compositionOf({ reporter: "SG", hs: "854231", flow: "import" }, "2024-08", { TW: 3, KR: 1 }),
        compositionOf({ reporter: "SG", hs: "854231", flow: "export" }, "2024-08", { CN: 1 }),
      ],
      new Date("2026-01-03T00:00:00.000Z"),
    );
    const log = new AlertLog(redis, prefix);
    await log.append(shift);
    await log.append(mirror);
  });
  afterAll(async () => {
    await app.close();
    redis.disconnect();
  });

  it("serves the page and its scripts without a key, under a strict Content-Security-Policy", async () => {
    const page = await app.inject({ method: "GET", url: "/dashboard/" });
    expect(page.statusCode).toBe(200);
    expect(page.headers["content-type"]).toContain("text/html");
    expect(page.headers["content-security-policy"]).toBe(DASHBOARD_CSP);
    expect(DASHBOARD_CSP).toMatch(/default-src 'none'.*script-src 'self'/);
    expect(DASHBOARD_CSP).not.toMatch(/unsafe|https?:|\*/);
    expect(page.headers["x-content-type-options"]).toBe("nosniff");
    // every script comes from this origin, none inline
    const scripts = [...page.body.matchAll(/<script([^>]*)>/g)].map((m) => m[1]);
    expect(scripts).toEqual([
      ' src="/dashboard/assets/echarts.min.js"',
      ' src="/dashboard/assets/charts.js"',
      ' src="/dashboard/assets/dashboard.js"',
    ]);
    const echarts = await app.inject({ method: "GET", url: "/dashboard/assets/echarts.min.js" });
    expect(echarts.statusCode).toBe(200);
    expect(echarts.headers["content-type"]).toContain("text/javascript");
    expect(echarts.body).toBe(readFileSync(echartsPath(), "utf8"));
    expect((await app.inject({ method: "GET", url: "/dashboard/assets/dashboard.js" })).body).toContain("sessionStorage");
    expect((await app.inject({ method: "GET", url: "/dashboard" })).headers.location).toBe("/dashboard/");
    for (const url of ["/dashboard/assets/nope.js", "/dashboard/assets/..%2F..%2Fpackage.json", "/dashboard/assets/index.html"]) {
      expect((await app.inject({ method: "GET", url })).statusCode, url).toBe(404);
    }
  });

  it("answers 401 to every data call without the key", async () => {
    for (const url of ["/v1/shares?company=NVDA", "/v1/shares/entities", "/v1/dashboard/charts?company=NVDA", "/v1/dashboard/status"]) {
      const res = await app.inject({ method: "GET", url });
      expect(res.statusCode, url).toBe(401);
      expect(res.body).not.toContain("Singapore");
    }
  });

  it("GET /v1/shares: a company's shares as JSON with their basis, by period range and basis", async () => {
    const res = await app.inject({ method: "GET", url: "/v1/shares?company=NVDA", headers: auth });
    expect(res.statusCode).toBe(200);
    const body = res.json() as { count: number; shares: { period: string; basis: string; parts: { region: string; share: number }[] }[] };
    expect(body.count).toBe(2);
    expect(body.shares.map((c) => [c.period, c.basis, c.parts.find((p) => p.region === "SG")?.share])).toEqual([
      ["FY2024-Q3", "billing", 0.13],
      ["FY2025-Q3", "billing", 0.22],
    ]);
    const ranged = (await app.inject({ method: "GET", url: "/v1/shares?company=NVDA&from=FY2025-Q1&to=FY2025-Q4", headers: auth })).json();
    expect(ranged.shares.map((c: { period: string }) => c.period)).toEqual(["FY2025-Q3"]);
    expect((await app.inject({ method: "GET", url: "/v1/shares?company=NVDA&basis=shipping", headers: auth })).json().count).toBe(0);
    const hub = (await app.inject({ method: "GET", url: "/v1/shares?reporter=SG&flow=import", headers: auth })).json();
    expect(hub.shares.map((c: { entity: unknown }) => c.entity)).toEqual([{ reporter: "SG", hs: "854231", flow: "import" }]);
  });

  it("GET /v1/shares as CSV with Accept: text/csv or format=csv", async () => {
    const byAccept = await app.inject({ method: "GET", url: "/v1/shares?company=NVDA", headers: { ...auth, accept: "text/csv" } });
    expect(byAccept.statusCode).toBe(200);
    expect(byAccept.headers["content-type"]).toBe("text/csv; charset=utf-8");
    const lines = byAccept.body.trimEnd().split("\r\n");
    expect(lines[0]).toBe(SHARES_CSV_COLUMNS.join(","));
    expect(lines).toContain("NVDA,,,,billing,FY2025-Q3,SG,Singapore,22,0.22,100,,");
    expect(lines).toHaveLength(5);
    const byParam = await app.inject({ method: "GET", url: "/v1/shares?company=NVDA&format=csv", headers: auth });
    expect(byParam.body).toBe(byAccept.body);
  });

  it("refuses a bad shares or charts query with the field named", async () => {
    const bad = await app.inject({ method: "GET", url: "/v1/shares?company=NVDA&from=last-year", headers: auth });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().issues[0].field).toBe("from");
    expect((await app.inject({ method: "GET", url: "/v1/shares?colour=red", headers: auth })).statusCode).toBe(400);
    expect((await app.inject({ method: "GET", url: "/v1/dashboard/charts?company=NVDA&hub=SG", headers: auth })).statusCode).toBe(400);
  });

  it("lists the entities there are shares of", async () => {
    const { entities } = (await app.inject({ method: "GET", url: "/v1/shares/entities", headers: auth })).json() as {
      entities: { key: string; periods: number }[];
    };
    expect(entities.map((e) => [e.key, e.periods])).toEqual([
      ["company=NVDA", 2],
      ["flow=export,hs=854231,reporter=SG", 1],
      ["flow=import,hs=854231,reporter=SG", 1],
    ]);
  });

  it("GET /v1/dashboard/charts: a company's chart with its alerts marked, a hub's customs charts with the customs alerts about it", async () => {
    const company = (await app.inject({ method: "GET", url: "/v1/dashboard/charts?company=NVDA", headers: auth })).json() as {
      charts: { model: ChartModel; option: { series: { markPoint?: { data: { name: string }[] } }[] } }[];
    };
    expect(company.charts).toHaveLength(1);
    const model = company.charts[0]?.model;
    expect(model?.series.map((s) => s.name)).toEqual(["United States", "Singapore"]);
    expect(model?.markers.map((m) => [m.id, m.region, m.summary])).toEqual([[shift.alertId, "SG", shift.summary]]);
    expect(company.charts[0]?.option.series.flatMap((s) => s.markPoint?.data.map((d) => d.name) ?? [])).toEqual([shift.alertId]);

    const hub = (await app.inject({ method: "GET", url: "/v1/dashboard/charts?hub=SG", headers: auth })).json() as {
      charts: { model: ChartModel }[];
    };
    expect(hub.charts.map((c) => c.model.title)).toEqual(["SG: exports by destination, HS 854231", "SG: imports by origin, HS 854231"]);
    expect(hub.charts[0]?.model.markers).toEqual([]);
    expect(hub.charts[1]?.model.markers.map((m) => [m.id, m.region])).toEqual([[mirror.alertId, "TW"]]);
  });

  it("GET /v1/dashboard/status: alert counts, the last alert, the shares read model", async () => {
    const status = (await app.inject({ method: "GET", url: "/v1/dashboard/status", headers: auth })).json();
    expect(status).toEqual({
      alerts: {
        total: 2,
        open: 2,
        bySeverity: { critical: 1, warning: 1 },
        byStatus: { fired: 2 },
        lastDetectedAt: "2026-01-02T00:00:00.000Z",
      },
      shares: { companies: 1, customsSeries: 2, lastUpdatedAt: "2026-01-03T00:00:00.000Z" },
    });
  });
});

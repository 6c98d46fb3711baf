import { readFileSync } from "node:fs";
import { AlertLog } from "@entrepot/delivery";
import { buildChartModel, buildChartModels, type ChartModel, loadBrowserAssets, renderedChart } from "@entrepot/report";
import type { Alert } from "@entrepot/schemas";
import type { FastifyInstance, FastifyReply } from "fastify";
import type { Redis } from "ioredis";
import { z } from "zod";
import { sharesRoutes } from "./sharesRoutes";

/**
 * The page's policy: scripts, styles and data from this origin only, nothing inline, no frames,
 * no forms posted anywhere, no other origin contacted.
 */
export const DASHBOARD_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

/** GET /v1/dashboard/charts query: a company's revenue shares (on a basis) or a hub's customs shares */
export const ChartsQuery = z
  .object({
    company: z.string().min(1).optional(),
    basis: z.string().min(1).optional(),
    hub: z.string().min(2).optional(),
  })
  .strict()
  .refine((q) => (q.company === undefined) !== (q.hub === undefined), { message: "give either company or hub" });

interface Asset {
  body: string;
  type: string;
}

function staticAssets(): Map<string, Asset> {
  const browser = loadBrowserAssets();
  const own = (name: string) => readFileSync(new URL(`./public/${name}`, import.meta.url), "utf8");
  return new Map<string, Asset>([
    ["index.html", { body: own("index.html"), type: "text/html; charset=utf-8" }],
    ["dashboard.js", { body: own("dashboard.js"), type: "text/javascript; charset=utf-8" }],
    ["dashboard.css", { body: own("dashboard.css"), type: "text/css; charset=utf-8" }],
    ["charts.js", { body: browser.chartsJs, type: "text/javascript; charset=utf-8" }],
    ["charts.css", { body: browser.chartsCss, type: "text/css; charset=utf-8" }],
    ["echarts.min.js", { body: browser.echarts, type: "text/javascript; charset=utf-8" }],
  ]);
}

function sendAsset(reply: FastifyReply, asset: Asset) {
  return reply
    .header("content-type", asset.type)
    .header("content-security-policy", DASHBOARD_CSP)
    .header("x-content-type-options", "nosniff")
    .header("referrer-policy", "no-referrer")
    .header("x-frame-options", "DENY")
    .header("cache-control", "no-cache")
    .send(asset.body);
}

/** Every alert in the log (latest revision of each). */
async function allAlerts(log: AlertLog, company?: string): Promise<Alert[]> {
  return (await log.list({ company }, 0, Number.MAX_SAFE_INTEGER)).alerts;
}

export interface DashboardOptions {
  redis: Redis;
  topicPrefix: string;
}

/**
 * The dashboard: a static page (public: `/dashboard/`, its scripts, its sheet and the chart
 * library from the installed `echarts` package, under a strict Content-Security-Policy) whose
 * every data call carries the API key: `/v1/dashboard/charts` (chart models with alert and notice
 * markers), `/v1/dashboard/status` (alert counts, last alert, shares read model), `/v1/shares`.
 * Registered by `buildApi` as a plugin; the API's authentication hook covers its routes.
 */
export async function dashboardRoutes(app: FastifyInstance, options: DashboardOptions): Promise<void> {
  const assets = staticAssets();
  const shares = sharesRoutes(app, options.redis, options.topicPrefix);
  const alertLog = new AlertLog(options.redis, options.topicPrefix);

  app.get("/dashboard", { config: { public: true } }, async (_req, reply) => reply.redirect("/dashboard/"));
  app.get("/dashboard/", { config: { public: true } }, async (_req, reply) => sendAsset(reply, assets.get("index.html") as Asset));
  app.get<{ Params: { name: string } }>("/dashboard/assets/:name", { config: { public: true } }, async (req, reply) => {
    const asset = req.params.name === "index.html" ? undefined : assets.get(req.params.name);
    return asset ? sendAsset(reply, asset) : reply.code(404).send({ error: "not_found" });
  });

  app.get("/v1/dashboard/charts", async (req) => {
    const q = ChartsQuery.parse(req.query ?? {});
    let models: ChartModel[];
    if (q.company !== undefined) {
      const compositions = await shares.find({ company: q.company });
      const model = buildChartModel({ compositions, alerts: await allAlerts(alertLog, q.company), ...(q.basis ? { basis: q.basis } : {}) });
      models = model ? [model] : [];
    } else {
      models = buildChartModels(await shares.find({ reporter: q.hub ?? "" }), await allAlerts(alertLog));
    }
    return { charts: models.map(renderedChart) };
  });

  app.get("/v1/dashboard/status", async () => {
    const alerts = await allAlerts(alertLog);
    const count = (key: "severity" | "status") => {
      const counts: Record<string, number> = {};
      for (const a of alerts) counts[a[key]] = (counts[a[key]] ?? 0) + 1;
      return counts;
    };
    const entities = await shares.entities();
    const latest = (times: string[]) => times.reduce<string | null>((m, t) => (m === null || t > m ? t : m), null);
    return {
      alerts: {
        total: alerts.length,
        open: alerts.filter((a) => a.status === "fired" || a.status === "updated").length,
        bySeverity: count("severity"),
        byStatus: count("status"),
        lastDetectedAt: latest(alerts.map((a) => a.detectedAt)),
      },
      shares: {
        companies: entities.filter((e) => e.entity.company !== undefined).length,
        customsSeries: entities.filter((e) => e.entity.reporter !== undefined).length,
        lastUpdatedAt: latest(entities.map((e) => e.updatedAt)),
      },
    };
  });
}

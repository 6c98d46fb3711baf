import { AlertLog, publicSubscription, SilenceStore, SubscriptionStore } from "@entrepot/delivery";
import type { Logger } from "@entrepot/runtime";
import type { SecretBox } from "@entrepot/webhooks";
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyReply } from "fastify";
import type { Redis } from "ioredis";
import { ZodError, type z } from "zod";
import { apiKeyMatches } from "./apiKeys";
import { dashboardRoutes } from "./dashboard/dashboardRoutes";
import {
  AlertsQuery,
  CreateSilenceRequest,
  CreateSubscriptionRequest,
  defined,
  RotateSecretRequest,
  UpdateSubscriptionRequest,
} from "./requests";

declare module "fastify" {
  interface FastifyContextConfig {
    /** open without an API key; every other route (and every unmatched path) needs one */
    public?: boolean;
  }
}

export interface ApiOptions {
  redis: Redis;
  topicPrefix: string;
  /** SHA-256 digests of the accepted API keys */
  apiKeyHashes: readonly Buffer[];
  /** encrypts subscription secrets at rest */
  secretBox: SecretBox;
  logger: Logger;
  /** SSE: how long one XREAD waits before a heartbeat comment (default 15 s) */
  streamHeartbeatMs?: number;
}

function badRequest(reply: FastifyReply, err: ZodError) {
  return reply.code(400).send({
    error: "invalid_request",
    issues: err.issues.map((i) => ({ field: i.path.join(".") || "(body)", reason: i.message })),
  });
}

function parse<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  return schema.parse(value ?? {});
}

/**
 * The management and read API: `/v1/subscriptions` and `/v1/silences` (CRUD, Bearer API key),
 * `GET /v1/alerts` and `GET /v1/alerts/stream` (Server-Sent Events, resumable with Last-Event-ID).
 */
export function buildApi(options: ApiOptions): FastifyInstance {
  const { redis, topicPrefix, apiKeyHashes } = options;
  const subs = new SubscriptionStore(redis, topicPrefix, options.secretBox);
  const silences = new SilenceStore(redis, topicPrefix);
  const alerts = new AlertLog(redis, topicPrefix);
  const app = Fastify({ loggerInstance: options.logger as FastifyBaseLogger });

  app.setErrorHandler((err, _req, reply) => {
    if (err instanceof ZodError) return badRequest(reply, err);
    const status = (err as { statusCode?: number }).statusCode;
    if (status && status >= 400 && status < 500) return reply.code(status).send({ error: "bad_request", message: (err as Error).message });
    options.logger.error({ err }, "request failed");
    return reply.code(500).send({ error: "internal" });
  });

  // Deny by default: authentication is decided on the route the router matched (after it
  // percent-decoded the path and accepted absolute-form targets), never on the raw request
  // line. Only routes registered with `config: { public: true }` are open; an unmatched
  // path answers 401 to a caller without a key, like every protected route.
  app.addHook("onRequest", async (req, reply) => {
    if (req.routeOptions.config?.public === true && req.routeOptions.url !== undefined) return;
    const header = req.headers.authorization ?? "";
    const m = /^Bearer (\S+)$/.exec(header);
    if (!m?.[1] || !apiKeyMatches(m[1], apiKeyHashes)) {
      return reply.code(401).header("www-authenticate", 'Bearer realm="entrepot"').send({ error: "unauthorized" });
    }
  });

  app.get("/healthz", { config: { public: true } }, async () => ({ ok: true }));

  // --- subscriptions
  app.post("/v1/subscriptions", async (req, reply) => {
    const body = parse(CreateSubscriptionRequest, req.body);
    const created = await subs.add({
      url: body.url,
      ...(body.channel ? { channel: body.channel } : {}),
      ...(body.secret ? { secret: body.secret } : {}),
      ...(body.filters ? { filters: defined(body.filters) } : {}),
    });
    // the only response that carries the secret
    return reply.code(201).send(created);
  });
  app.get("/v1/subscriptions", async () => ({ subscriptions: (await subs.list()).map(publicSubscription) }));
  app.get<{ Params: { id: string } }>("/v1/subscriptions/:id", async (req, reply) => {
    const sub = await subs.get(req.params.id);
    return sub ? publicSubscription(sub) : reply.code(404).send({ error: "not_found", id: req.params.id });
  });
  app.patch<{ Params: { id: string } }>("/v1/subscriptions/:id", async (req, reply) => {
    const body = parse(UpdateSubscriptionRequest, req.body);
    const { filters, ...rest } = body;
    const updated = await subs.update(req.params.id, { ...defined(rest), ...(filters ? { filters: defined(filters) } : {}) });
    return updated ? publicSubscription(updated) : reply.code(404).send({ error: "not_found", id: req.params.id });
  });
  app.post<{ Params: { id: string } }>("/v1/subscriptions/:id/rotate-secret", async (req, reply) => {
    const body = parse(RotateSecretRequest, req.body);
    const rotated = await subs.rotateSecret(req.params.id, { graceMs: body.graceSeconds * 1000 });
    if (!rotated) return reply.code(404).send({ error: "not_found", id: req.params.id });
    // the only response that carries the new secret
    return { id: rotated.subscription.id, secret: rotated.secret, previousSecretExpiresAt: rotated.previousExpiresAt };
  });
  app.delete<{ Params: { id: string } }>("/v1/subscriptions/:id", async (req, reply) => {
    return (await subs.remove(req.params.id)) ? reply.code(204).send() : reply.code(404).send({ error: "not_found", id: req.params.id });
  });

  // --- silences
  app.post("/v1/silences", async (req, reply) => {
    const body = parse(CreateSilenceRequest, req.body);
    if (Date.parse(body.expiresAt) <= Date.now()) {
      return reply.code(400).send({ error: "invalid_request", issues: [{ field: "expiresAt", reason: "must be in the future" }] });
    }
    return reply.code(201).send(await silences.add(body));
  });
  app.get<{ Querystring: { all?: string } }>("/v1/silences", async (req) => ({
    silences: await silences.list({ includeExpired: req.query.all === "true" }),
  }));
  app.get<{ Params: { id: string } }>("/v1/silences/:id", async (req, reply) => {
    const s = await silences.get(req.params.id);
    return s ?? reply.code(404).send({ error: "not_found", id: req.params.id });
  });
  app.delete<{ Params: { id: string } }>("/v1/silences/:id", async (req, reply) => {
    return (await silences.remove(req.params.id))
      ? reply.code(204).send()
      : reply.code(404).send({ error: "not_found", id: req.params.id });
  });

  // --- alerts
  app.get("/v1/alerts", async (req) => {
    const q = parse(AlertsQuery, req.query);
    const offset = q.cursor ? Number(q.cursor) : 0;
    const page = await alerts.list(q, offset, q.limit);
    const next = offset + page.alerts.length;
    return { alerts: page.alerts, total: page.total, ...(next < page.total ? { nextCursor: String(next) } : {}) };
  });

  app.get<{ Querystring: { lastEventId?: string } }>("/v1/alerts/stream", async (req, reply) => {
    const resumeFrom = req.headers["last-event-id"] ?? req.query.lastEventId;
    if (resumeFrom !== undefined && (typeof resumeFrom !== "string" || !/^\d+-\d+$/.test(resumeFrom))) {
      return reply
        .code(400)
        .send({ error: "invalid_request", issues: [{ field: "Last-Event-ID", reason: "expected an id sent by this stream" }] });
    }
    let cursor = resumeFrom ?? (await alerts.lastId());
    const conn = redis.duplicate();
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      "content-type": "text/event-stream",
      "cache-control": "no-cache",
      connection: "keep-alive",
      "x-accel-buffering": "no",
    });
    res.write("retry: 2000\n\n");
    let open = true;
    req.raw.on("close", () => {
      open = false;
      conn.disconnect();
    });
    try {
      while (open) {
        const entries = await alerts.readAfter(conn, cursor, 100, options.streamHeartbeatMs ?? 15_000);
        if (entries.length === 0) res.write(": keep-alive\n\n");
        for (const e of entries) {
          res.write(`id: ${e.id}\nevent: alert\ndata: ${JSON.stringify(e.alert)}\n\n`);
          cursor = e.id;
        }
      }
    } catch (err) {
      if (open) options.logger.warn({ err }, "alert stream ended");
    } finally {
      conn.disconnect();
      res.end();
    }
  });

  void app.register(dashboardRoutes, { redis, topicPrefix });
  return app;
}

import {
  AlertLog,
  DEFAULT_SILENCE_MAX_MS,
  paginate,
  publicSubscription,
  SilenceStore,
  SubscriptionStore,
  UnreadableSubscriptionError,
} from "@entrepot/delivery";
import { type Logger, Metrics } from "@entrepot/runtime";
import { type OutboundPolicy, parseOutboundPolicy, type ResolveAll, type SecretBox } from "@entrepot/webhooks";
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyReply } from "fastify";
import type { Redis } from "ioredis";
import { ZodError, type z } from "zod";
import { AlertStreams } from "./alertStream";
import { type ApiKey, authenticate } from "./apiKeys";
import { RateLimiter } from "./rateLimiter";
import { dashboardRoutes } from "./dashboard/dashboardRoutes";
import {
  AlertsQuery,
  CreateSilenceRequest,
  CreateSubscriptionRequest,
  defined,
  PageQuery,
  RotateSecretRequest,
  SilencesQuery,
  UpdateSubscriptionRequest,
} from "./requests";

declare module "fastify" {
  interface FastifyContextConfig {
    /** open without an API key; every other route (and every unmatched path) needs one */
    public?: boolean;
  }
  interface FastifyRequest {
    /** the key the request authenticated with (every non-public route) */
    apiKey?: ApiKey;
  }
}

export interface ApiLimits {
  /** requests per second per API key, refilled continuously; 0 = unlimited (default 20) */
  ratePerSecond?: number;
  /** requests one key may make at once before the rate applies (default 60) */
  rateBurst?: number;
  /** whole request, headers and body, must arrive within this (default 10 s; a trickling body is cut off) */
  requestTimeoutMs?: number;
  /** an idle connection is closed after this (default 60 s; SSE heartbeats keep streams busy) */
  idleTimeoutMs?: number;
  /** largest request body (default 64 KiB) */
  bodyLimitBytes?: number;
  /** open SSE streams per process (default 500) and per API key (default 5) */
  maxStreams?: number;
  maxStreamsPerKey?: number;
  /** unsent bytes after which an SSE client is dropped as a slow reader (default 1 MiB) */
  streamMaxBufferedBytes?: number;
}

export interface ApiOptions {
  redis: Redis;
  topicPrefix: string;
  /** accepted API keys: id, scope and SHA-256 digest */
  apiKeys: readonly ApiKey[];
  /** encrypts subscription secrets (and Slack URLs) at rest */
  secretBox: SecretBox;
  logger: Logger;
  /** counters served on the health port's /metrics (default: a private registry) */
  metrics?: Metrics;
  /** which webhook URLs may be subscribed: the notifier's policy (ENTREPOT_WEBHOOK_ALLOW; default: public addresses only) */
  outboundPolicy?: OutboundPolicy;
  /** name resolution for the URL check (default: the system resolver) */
  resolve?: ResolveAll;
  /** longest silence accepted (default 90 days) */
  silenceMaxMs?: number;
  /** SSE: how long one XREAD waits before a heartbeat comment (default 15 s) */
  streamHeartbeatMs?: number;
  limits?: ApiLimits;
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

const READ_METHODS = new Set(["GET", "HEAD"]);

/**
 * The management and read API: `/v1/subscriptions` and `/v1/silences` (CRUD, paginated lists),
 * `GET /v1/alerts` and `GET /v1/alerts/stream` (Server-Sent Events, resumable with Last-Event-ID).
 * Every route but /healthz needs a Bearer API key; read-scope keys may only GET. Per-key rate
 * limit (429 + Retry-After), request and idle timeouts, a body limit, `Cache-Control: no-store`
 * on every response.
 */
export function buildApi(options: ApiOptions): FastifyInstance {
  const { redis, topicPrefix, apiKeys, logger } = options;
  const limits = options.limits ?? {};
  const metrics = options.metrics ?? new Metrics();
  const requestTimeout = limits.requestTimeoutMs ?? 10_000;
  const unreadableCount = metrics.counter(
    "entrepot_api_unreadable_subscriptions_total",
    "subscription records skipped in listings because they cannot be read, by subscription and key id",
    ["subscription", "key"],
  );
  const subs = new SubscriptionStore(redis, topicPrefix, options.secretBox, {
    outboundPolicy: options.outboundPolicy ?? parseOutboundPolicy(""),
    ...(options.resolve ? { resolve: options.resolve } : {}),
    onUnreadable: (r) => {
      unreadableCount({ subscription: r.id, key: r.keyId ?? "none" });
      logger.error({ subscriptionId: r.id, keyId: r.keyId, reason: r.reason }, "subscription record unreadable: skipped");
    },
  });
  const silences = new SilenceStore(redis, topicPrefix, { maxDurationMs: options.silenceMaxMs ?? DEFAULT_SILENCE_MAX_MS });
  const alerts = new AlertLog(redis, topicPrefix);
  const streams = new AlertStreams(
    redis,
    alerts,
    {
      heartbeatMs: options.streamHeartbeatMs ?? 15_000,
      maxStreams: limits.maxStreams ?? 500,
      maxStreamsPerKey: limits.maxStreamsPerKey ?? 5,
      maxBufferedBytes: limits.streamMaxBufferedBytes ?? 1024 * 1024,
    },
    logger,
    metrics,
    `${topicPrefix.replace(/[^A-Za-z0-9._-]/g, "")}entrepot-api-alert-stream`,
  );
  const limiter = new RateLimiter(limits.ratePerSecond ?? 20, limits.rateBurst ?? 60);
  const limited = metrics.counter("entrepot_api_rate_limited_total", "requests answered 429, by API key id", ["key"]);

  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    bodyLimit: limits.bodyLimitBytes ?? 64 * 1024,
    requestTimeout,
    connectionTimeout: limits.idleTimeoutMs ?? 60_000,
    keepAliveTimeout: 5_000,
    // Node checks the request and header deadlines on this interval (default 30 s: far too coarse)
    http: {
      requestTimeout,
      headersTimeout: requestTimeout,
      connectionsCheckingInterval: Math.min(1_000, Math.max(50, Math.floor(requestTimeout / 4))),
    },
  });

  app.setErrorHandler((err, _req, reply) => {
    if (err instanceof ZodError) return badRequest(reply, err);
    if (err instanceof UnreadableSubscriptionError) {
      return reply.code(409).send({ error: "unreadable", ...err.record });
    }
    const status = (err as { statusCode?: number }).statusCode;
    if (status && status >= 400 && status < 500) return reply.code(status).send({ error: "bad_request", message: (err as Error).message });
    logger.error({ err }, "request failed");
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
    const key = m?.[1] ? authenticate(m[1], apiKeys) : undefined;
    if (!key) {
      return reply.code(401).header("www-authenticate", 'Bearer realm="entrepot"').send({ error: "unauthorized" });
    }
    req.apiKey = key;
    // the key's id, never the key, names the caller in every later log line of this request
    req.log = req.log.child({ apiKeyId: key.id });
    reply.log = req.log;
    const wait = limiter.take(key.id);
    if (wait > 0) {
      limited({ key: key.id });
      return reply.code(429).header("retry-after", String(wait)).send({ error: "rate_limited", retryAfterSeconds: wait });
    }
    if (!READ_METHODS.has(req.method) && key.scope !== "manage") {
      return reply.code(403).send({ error: "forbidden", reason: `API key ${key.id} has read scope; ${req.method} needs manage` });
    }
  });
  // nothing this API answers may be kept by a cache: some responses carry secrets
  app.addHook("onSend", async (_req, reply) => {
    reply.header("cache-control", "no-store");
  });
  app.addHook("preClose", async () => {
    await streams.close();
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
  app.get("/v1/subscriptions", async (req) => {
    const q = parse(PageQuery, req.query);
    const { subscriptions, unreadable } = await subs.scan();
    const page = paginate(subscriptions, q.limit, q.cursor);
    return {
      subscriptions: page.items.map(publicSubscription),
      ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
      // records that could not be read (e.g. sealed under another ENTREPOT_SECRET_KEY): named, not fatal
      ...(unreadable.length > 0 ? { unreadable } : {}),
    };
  });
  app.post("/v1/subscriptions/reseal", async () => subs.reseal());
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
    return reply.code(201).send(await silences.add(body));
  });
  app.get("/v1/silences", async (req) => {
    const q = parse(SilencesQuery, req.query);
    const page = paginate(await silences.list({ includeExpired: q.all === "true" }), q.limit, q.cursor);
    return { silences: page.items, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
  });
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
    const keyId = req.apiKey?.id ?? "";
    const refusal = streams.refusal(keyId);
    if (refusal) return reply.code(429).header("retry-after", "10").send({ error: "too_many_streams", reason: refusal });
    const cursor = resumeFrom ?? (await alerts.lastId());
    reply.hijack();
    await streams.serve(reply.raw, keyId, cursor, req.log);
  });

  void app.register(dashboardRoutes, { redis, topicPrefix });
  return app;
}

import { DEFAULT_SILENCE_MAX_MS, OutboundPolicyEnv, SecretKeyEnv } from "@entrepot/delivery";
import { createRedis, intFromEnv, runWorker, ServiceEnv } from "@entrepot/runtime";
import { z } from "zod";
import { type ApiKey, parseApiKeyHashes, parseApiKeys } from "./apiKeys";
import { buildApi } from "./app";

/** A config string parsed by `parser`; its error becomes the variable's issue. */
const parsedWith = <T>(parser: (text: string) => T) =>
  z.string().transform((s, ctx) => {
    try {
      return parser(s);
    } catch (err) {
      ctx.addIssue({ code: "custom", message: (err as Error).message });
      return z.NEVER;
    }
  });

const ApiEnv = ServiceEnv.extend({
  API_PORT: intFromEnv(0, 65535).default(8080),
  API_HOST: z.string().default("127.0.0.1"),
  /** comma-separated `id:scope:sha256hex` (scope read or manage; `printf %s "$KEY" | sha256sum`) */
  ENTREPOT_API_KEYS: parsedWith(parseApiKeys).optional(),
  /** older form: comma-separated SHA-256 hex digests, each a manage-scope key with id legacy-<first 8 hex> */
  ENTREPOT_API_KEY_HASHES: parsedWith(parseApiKeyHashes).optional(),
  /** keys that encrypt subscription secrets at rest (first encrypts, all decrypt); the notifier and CLI need them too */
  ENTREPOT_SECRET_KEY: SecretKeyEnv,
  /** hosts and CIDRs a subscription URL may point at although private or loopback: the notifier's ENTREPOT_WEBHOOK_ALLOW */
  ENTREPOT_WEBHOOK_ALLOW: OutboundPolicyEnv,
  ENTREPOT_SILENCE_MAX_DAYS: intFromEnv(1, 3650).default(DEFAULT_SILENCE_MAX_MS / 86_400_000),
  ENTREPOT_API_RATE_PER_S: intFromEnv(0, 100_000).default(20),
  ENTREPOT_API_RATE_BURST: intFromEnv(1, 100_000).default(60),
  ENTREPOT_API_REQUEST_TIMEOUT_MS: intFromEnv(1_000, 600_000).default(10_000),
  ENTREPOT_API_BODY_LIMIT_BYTES: intFromEnv(1_024, 10_000_000).default(65_536),
  ENTREPOT_API_MAX_STREAMS: intFromEnv(1, 100_000).default(500),
  ENTREPOT_API_MAX_STREAMS_PER_KEY: intFromEnv(1, 10_000).default(5),
  ENTREPOT_API_STREAM_MAX_BUFFER_BYTES: intFromEnv(16_384, 100_000_000).default(1_048_576),
}).superRefine((env, ctx) => {
  const keys: ApiKey[] = [...(env.ENTREPOT_API_KEYS ?? []), ...(env.ENTREPOT_API_KEY_HASHES ?? [])];
  if (keys.length === 0) {
    ctx.addIssue({ code: "custom", path: ["ENTREPOT_API_KEYS"], message: "at least one API key is required (id:scope:sha256hex)" });
  }
  const ids = keys.map((k) => k.id);
  const twice = ids.find((id, i) => ids.indexOf(id) !== i);
  if (twice !== undefined) ctx.addIssue({ code: "custom", path: ["ENTREPOT_API_KEYS"], message: `API key id "${twice}" is used twice` });
});

await runWorker({
  name: "api",
  env: ApiEnv,
  start: async ({ config, logger, metrics, addReadyCheck }) => {
    const redis = createRedis(config.REDIS_URL, { role: "store", logger });
    addReadyCheck("redis", () => redis.status === "ready");
    const apiKeys = [...(config.ENTREPOT_API_KEYS ?? []), ...(config.ENTREPOT_API_KEY_HASHES ?? [])];
    const app = buildApi({
      redis,
      topicPrefix: config.ENTREPOT_TOPIC_PREFIX,
      apiKeys,
      secretBox: config.ENTREPOT_SECRET_KEY,
      logger,
      metrics,
      outboundPolicy: config.ENTREPOT_WEBHOOK_ALLOW,
      silenceMaxMs: config.ENTREPOT_SILENCE_MAX_DAYS * 86_400_000,
      limits: {
        ratePerSecond: config.ENTREPOT_API_RATE_PER_S,
        rateBurst: config.ENTREPOT_API_RATE_BURST,
        requestTimeoutMs: config.ENTREPOT_API_REQUEST_TIMEOUT_MS,
        bodyLimitBytes: config.ENTREPOT_API_BODY_LIMIT_BYTES,
        maxStreams: config.ENTREPOT_API_MAX_STREAMS,
        maxStreamsPerKey: config.ENTREPOT_API_MAX_STREAMS_PER_KEY,
        streamMaxBufferedBytes: config.ENTREPOT_API_STREAM_MAX_BUFFER_BYTES,
      },
    });
    const address = await app.listen({ port: config.API_PORT, host: config.API_HOST });
    logger.info(
      {
        address,
        apiKeys: apiKeys.map((k) => `${k.id}:${k.scope}`),
        secretKeyIds: config.ENTREPOT_SECRET_KEY.keyIds,
        allow: config.ENTREPOT_WEBHOOK_ALLOW.description,
      },
      "api listening",
    );
    return { ready: () => true, close: () => app.close().finally(() => redis.quit()) };
  },
});

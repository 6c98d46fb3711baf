import { createRedis, intFromEnv, runWorker, ServiceEnv } from "@entrepot/runtime";
import { SecretBox } from "@entrepot/webhooks";
import { z } from "zod";
import { parseApiKeyHashes } from "./apiKeys";
import { buildApi } from "./app";

const ApiEnv = ServiceEnv.extend({
  API_PORT: intFromEnv(0, 65535).default(8080),
  API_HOST: z.string().default("127.0.0.1"),
  /** comma-separated SHA-256 hex digests of the accepted API keys (`printf %s "$KEY" | sha256sum`) */
  ENTREPOT_API_KEY_HASHES: z.string().transform((s, ctx) => {
    try {
      return parseApiKeyHashes(s);
    } catch (err) {
      ctx.addIssue({ code: "custom", message: (err as Error).message });
      return z.NEVER;
    }
  }),
  /** key that encrypts subscription secrets at rest; the notifier needs the same one */
  ENTREPOT_SECRET_KEY: z.string().min(32, "ENTREPOT_SECRET_KEY must be at least 32 characters"),
});

await runWorker({
  name: "api",
  env: ApiEnv,
  start: async ({ config, logger, addReadyCheck }) => {
    const redis = createRedis(config.REDIS_URL, { role: "store", logger });
    addReadyCheck("redis", () => redis.status === "ready");
    const app = buildApi({
      redis,
      topicPrefix: config.ENTREPOT_TOPIC_PREFIX,
      apiKeyHashes: config.ENTREPOT_API_KEY_HASHES,
      secretBox: new SecretBox(config.ENTREPOT_SECRET_KEY),
      logger,
    });
    const address = await app.listen({ port: config.API_PORT, host: config.API_HOST });
    logger.info({ address }, "api listening");
    return { ready: () => true, close: () => app.close().finally(() => redis.quit()) };
  },
});

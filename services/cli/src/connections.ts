import { createKafka, type Kafka, type KafkaClientOptions, KafkaUnreachableError, probeKafka } from "@entrepot/kafka";
import { createLogger, createRedis } from "@entrepot/runtime";
import type { Redis } from "ioredis";
import type { CliRuntime } from "./cliEnv";
import { InfrastructureError } from "./exitCodes";

/** How long a command waits for Kafka or Redis before it reports them unreachable (the whole failure stays under 10 s). */
export const CONNECT_DEADLINE_MS = 7000;

/**
 * Kafka for a CLI command: the brokers are probed first (short connection timeout, one retry, an
 * unknown host at once), so a broker that is away is one `InfrastructureError` within the deadline
 * instead of a minute of retries; then the client the command works with (with `retry`, e.g. an
 * ingest run's `SERVICE_RETRY`, a broker that goes away once the command runs is waited for).
 */
export async function connectKafka(rt: CliRuntime, deadlineMs = CONNECT_DEADLINE_MS, retry?: KafkaClientOptions["retry"]): Promise<Kafka> {
  try {
    await probeKafka({ brokers: rt.config.KAFKA_BROKERS, logger: rt.kafkaLogger, timeoutMs: deadlineMs });
  } catch (err) {
    if (err instanceof KafkaUnreachableError) throw new InfrastructureError("Kafka", err.brokers.join(","), err.detail, { cause: err });
    throw err;
  }
  return createKafka({ brokers: rt.config.KAFKA_BROKERS, clientId: "entrepot-cli", logger: rt.kafkaLogger, ...(retry ? { retry } : {}) });
}

/** `host:port` of a Redis URL, without credentials. */
export function redisAddress(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || "6379"}`;
  } catch {
    return "(unparsable REDIS_URL)";
  }
}

function describeRedisError(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === "ECONNREFUSED") return "connection refused";
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") return "unknown host";
  if (code === "ETIMEDOUT" || /timeout/i.test((err as Error | undefined)?.message ?? "")) return "no answer";
  return (err as Error | undefined)?.message ?? "connection failed";
}

/**
 * Redis for a CLI command: a connect timeout, no offline queue (a command fails at once instead of
 * waiting for a reconnection), one retry per request, one error listener that records the last error
 * (no per-retry log lines), and a PING within the deadline. Throws an `InfrastructureError`.
 */
export async function connectRedis(url: string, deadlineMs = CONNECT_DEADLINE_MS): Promise<Redis> {
  let lastError: unknown;
  // the factory's `cli` role: lazy, one retry per command, no offline queue, two reconnects at most;
  // errors recorded (the command reports one line), never logged per retry
  const redis = createRedis(url, {
    role: "cli",
    logger: createLogger({ name: "cli", level: "silent" }),
    connectTimeoutMs: Math.min(3000, deadlineMs),
    onError: (err) => {
      lastError = err;
    },
  });
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      (async () => {
        await redis.connect();
        await redis.ping();
      })(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${deadlineMs} ms`)), deadlineMs);
      }),
    ]);
    return redis;
  } catch (err) {
    redis.disconnect();
    throw new InfrastructureError("Redis", redisAddress(url), describeRedisError(lastError ?? err), { cause: lastError ?? err });
  } finally {
    clearTimeout(timer);
  }
}

/** Runs `fn` with a connected Redis and disconnects afterwards. */
export async function withRedis<T>(url: string, fn: (redis: Redis) => Promise<T>): Promise<T> {
  const redis = await connectRedis(url);
  try {
    return await fn(redis);
  } finally {
    redis.disconnect();
  }
}

/** Fails fast (InfrastructureError) unless Kafka and Redis both answer: before starting a process that needs them. */
export async function requireInfra(rt: CliRuntime): Promise<void> {
  await connectKafka(rt);
  (await connectRedis(rt.config.REDIS_URL)).disconnect();
}

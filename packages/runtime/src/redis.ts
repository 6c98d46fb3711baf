import { type ChainableCommander, Redis, type RedisOptions } from "ioredis";
import type { Logger } from "./logger";
import { redactUrlPasswords } from "./redact";

/**
 * What a connection is for, which decides its options:
 * - `store`: a service's state (routing, detector facts, revisions, subscriptions): a command waits
 *   through a short outage (20 reconnect attempts), then fails so the caller sees it;
 * - `bullmq`: a BullMQ queue or worker connection: BullMQ requires commands to wait for the
 *   reconnect however long it takes (`maxRetriesPerRequest: null`);
 * - `subscriber`: a blocking reader (XREAD BLOCK) beside a `store` connection, same retry budget;
 * - `cli`: one operator command: connects when asked (`connect()`), one retry per command, no
 *   offline queue and at most two reconnects, so an unreachable Redis fails the command quickly.
 */
export type RedisRole = "store" | "bullmq" | "subscriber" | "cli";

export interface CreateRedisOptions {
  role: RedisRole;
  /** errors of the client are logged here (the client reconnects by itself) */
  logger: Logger;
  /** give up a connection attempt after this long (default 5000 ms) */
  connectTimeoutMs?: number;
  /** instead of logging each error (password removed), hand it here: a CLI command reports one line itself */
  onError?: (err: Error) => void;
}

const ROLE_OPTIONS: Record<RedisRole, RedisOptions> = {
  store: { maxRetriesPerRequest: 20 },
  bullmq: { maxRetriesPerRequest: null },
  subscriber: { maxRetriesPerRequest: 20 },
  cli: {
    maxRetriesPerRequest: 1,
    lazyConnect: true,
    enableOfflineQueue: false,
    retryStrategy: (times) => (times > 2 ? null : 200 * times),
  },
};

/** The ioredis options of a role. */
export function redisOptions(role: RedisRole, connectTimeoutMs = 5_000): RedisOptions {
  return { ...ROLE_OPTIONS[role], connectTimeout: connectTimeoutMs };
}

/** The URL with its password (if any) replaced, fit for logs and error messages. */
export function redactRedisUrl(url: string): string {
  return redactUrlPasswords(url);
}

/** The password of a redis:// URL, raw and percent-decoded (either may show up in a message). */
function passwordsOf(url: string): string[] {
  const m = /^[a-z][a-z0-9+.-]*:\/\/[^:/@\s]*:([^\s]*)@/i.exec(url);
  const raw = m?.[1];
  if (!raw) return [];
  let decoded = raw;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    // a malformed escape: the raw text is what would show up
  }
  return [...new Set([raw, decoded])];
}

/** `text` with every occurrence of the URL's password replaced. */
export function redactPassword(text: string, url: string): string {
  let out = redactUrlPasswords(text);
  for (const p of passwordsOf(url)) out = out.split(p).join("[redacted]");
  return out;
}

/** An error whose message and stack are free of the URL's password (the same error when they already are). */
export function redactError(err: Error, url: string): Error {
  const message = redactPassword(err.message, url);
  const stack = err.stack === undefined ? undefined : redactPassword(err.stack, url);
  if (message === err.message && stack === err.stack) return err;
  const clean = new Error(message);
  clean.name = err.name;
  if (stack !== undefined) clean.stack = stack;
  const code = (err as { code?: unknown }).code;
  if (code !== undefined) Object.assign(clean, { code });
  return clean;
}

/**
 * The one way production code opens a Redis connection: the role's options, a connect timeout,
 * and an `error` listener that logs through pino (an ioredis client without one prints unhandled
 * error events). The password of `url` never appears in a log line or a thrown error.
 */
export function createRedis(url: string, options: CreateRedisOptions): Redis {
  try {
    new URL(url);
  } catch {
    throw new Error(`invalid Redis URL ${redactRedisUrl(url)}: expected redis://[user:password@]host:port[/db]`);
  }
  const client = new Redis(url, redisOptions(options.role, options.connectTimeoutMs));
  listenForErrors(client, url, options);
  return client;
}

/** Another connection to the same server for another role (BullMQ, a blocking reader), with its own error listener. */
export function duplicateRedis(base: Redis, options: CreateRedisOptions): Redis {
  const client = base.duplicate(redisOptions(options.role, options.connectTimeoutMs));
  const o = base.options;
  const url = o.password ? `redis://${o.username ?? ""}:${o.password}@${o.host}:${o.port}` : `redis://${o.host}:${o.port}`;
  listenForErrors(client, url, options);
  return client;
}

function listenForErrors(client: Redis, url: string, options: CreateRedisOptions): void {
  const { onError } = options;
  if (onError) {
    client.on("error", (err: Error) => onError(redactError(err, url)));
    return;
  }
  const log = options.logger.child({ component: "redis", role: options.role, redis: redactRedisUrl(url) });
  client.on("error", (err: Error) => log.error({ err: redactError(err, url) }, "redis error"));
}

/**
 * Runs a pipeline and returns its replies in order; the first command that failed throws its error
 * (ioredis hands errors back as values, which a caller reading only the values would take for
 * empty replies).
 */
export async function pipelineReplies(pipeline: ChainableCommander): Promise<unknown[]> {
  const replies = (await pipeline.exec()) ?? [];
  return replies.map(([err, value]) => {
    if (err) throw err;
    return value;
  });
}

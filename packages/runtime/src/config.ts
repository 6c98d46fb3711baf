import { isIP } from "node:net";
import { z } from "zod";
import { redactUrlPasswords } from "./redact";

/** Thrown when the environment does not satisfy a service's config schema. */
export class ConfigError extends Error {
  readonly issues: readonly string[];
  constructor(issues: readonly string[]) {
    super(`Invalid configuration:\n${issues.map((i) => `  - ${i}`).join("\n")}`);
    this.name = "ConfigError";
    this.issues = issues;
  }
}

/**
 * Parses `env` with a zod object schema whose keys are environment variable names.
 * Every problem is reported with the variable name and what was expected.
 * Call it from `main.ts`, never at import time.
 */
export function loadConfig<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => {
    const variable = issue.path.join(".") || "(environment)";
    const got = issue.path.length > 0 ? env[String(issue.path[0])] : undefined;
    const shown = got === undefined ? "it is not set" : `got ${JSON.stringify(redactIfSecret(variable, got))}`;
    return `${variable}: ${issue.message} (${shown})`;
  });
  throw new ConfigError(issues);
}

function redactIfSecret(name: string, value: string): string {
  return /SECRET|PASSWORD|TOKEN|KEY/i.test(name) ? "[redacted]" : redactUrlPasswords(value);
}

/** `host:port[,host:port...]` list, as Kafka clients expect. */
export const BrokerList = z
  .string()
  .trim()
  .regex(/^[^\s,:]+:\d{1,5}(,[^\s,:]+:\d{1,5})*$/, "expected a comma-separated list of host:port, e.g. 127.0.0.1:9092")
  .transform((s) => s.split(","));

export const RedisUrl = z
  .string()
  .trim()
  .regex(/^rediss?:\/\/[^\s]+$/, "expected a redis:// or rediss:// URL, e.g. redis://127.0.0.1:6379");

export const LogLevel = z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]);

/** Environment shared by every service. */
export const CommonEnv = z.object({
  KAFKA_BROKERS: BrokerList.default(["127.0.0.1:9092"]),
  REDIS_URL: RedisUrl.default("redis://127.0.0.1:6379"),
  LOG_LEVEL: LogLevel.default("info"),
  ENTREPOT_TOPIC_PREFIX: z
    .string()
    .regex(/^[a-zA-Z0-9._-]*$/, "expected only letters, digits, '.', '_' or '-'")
    .default(""),
});
export type CommonEnv = z.infer<typeof CommonEnv>;

/** Parses an integer env var with bounds. */
export const intFromEnv = (min: number, max: number) =>
  z.coerce.number().int(`expected an integer between ${min} and ${max}`).min(min).max(max);

/** A listen address: an IPv4/IPv6 address or a host name (0.0.0.0 = every interface). */
export const ListenHost = z
  .string()
  .trim()
  .refine(
    (h) => isIP(h) !== 0 || /^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$/.test(h),
    "expected an IP address or host name, e.g. 127.0.0.1 or 0.0.0.0",
  );

/**
 * CommonEnv plus where a service serves /healthz, /readyz, /metrics and /stats: the port (0 = any
 * free port) and the bind address (127.0.0.1 by default; 0.0.0.0 in a container so probes and
 * Prometheus reach it).
 */
export const ServiceEnv = CommonEnv.extend({
  HEALTH_PORT: intFromEnv(0, 65535).default(0),
  HEALTH_HOST: ListenHost.default("127.0.0.1"),
});
export type ServiceEnv = z.infer<typeof ServiceEnv>;

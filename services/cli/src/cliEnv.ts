import { CommonEnv, createLogger, createRedis, loadConfig } from "@entrepot/runtime";
import type { Redis } from "ioredis";

/** The CLI reads the same common environment as the services. */
export function cliConfig(env: NodeJS.ProcessEnv = process.env): CommonEnv {
  return loadConfig(CommonEnv, env);
}

/** A Redis connection for one operator command (role `cli`: connects on `connect()`, fails fast); errors logged at warn level. */
export function cliRedis(url: string): Redis {
  return createRedis(url, { role: "cli", logger: createLogger({ name: "cli", level: "warn" }) });
}

import { createHash, randomBytes } from "node:crypto";
import { resolve } from "node:path";
import { freePort, spawnService, stopServices, waitReady } from "./serviceProcesses";

export interface DemoDashboardOptions {
  repoRoot: string;
  brokers: readonly string[];
  redisUrl: string;
  /** the demo's topic prefix: the API reads the same alert log and shares */
  prefix: string;
  logDir: string;
  print: (line: string) => void;
  /** resolves when the user wants to stop (default: SIGINT or SIGTERM) */
  until?: Promise<unknown>;
}

/** Resolves on the first SIGINT (Ctrl-C) or SIGTERM. */
export function interrupted(): Promise<NodeJS.Signals> {
  return new Promise((done) => {
    const stop = (signal: NodeJS.Signals) => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      done(signal);
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
}

/**
 * `demo --keep-running`: the API as its own process on the demo's prefix, loopback only, with an
 * API key made for this run, prints the dashboard's URL and the key, and waits (the pipeline's
 * services keep running too) until Ctrl-C; then stops the API. Returns its exit code.
 */
export async function serveDemoDashboard(options: DemoDashboardOptions): Promise<number | null> {
  const key = randomBytes(18).toString("base64url");
  const port = await freePort();
  const api = await spawnService(options.repoRoot, "api", {
    env: {
      ...process.env,
      KAFKA_BROKERS: options.brokers.join(","),
      REDIS_URL: options.redisUrl,
      ENTREPOT_TOPIC_PREFIX: options.prefix,
      API_HOST: "127.0.0.1",
      API_PORT: String(port),
      // a read-scope key: the dashboard only reads (`id:scope:sha256hex`, services/api)
      ENTREPOT_API_KEYS: `demo:read:${createHash("sha256").update(key).digest("hex")}`,
      ENTREPOT_SECRET_KEY: process.env.ENTREPOT_SECRET_KEY ?? randomBytes(32).toString("base64"),
      LOG_LEVEL: "info",
      HEALTH_PORT: "0",
    },
    logFile: resolve(options.logDir, "api.log"),
  });
  const until = options.until ?? interrupted();
  await waitReady(api, 60_000);
  options.print("");
  options.print(`Dashboard: http://127.0.0.1:${port}/dashboard/`);
  options.print(`API key for this run (the page asks for it): ${key}`);
  options.print("The services and the API keep running; press Ctrl-C to stop them.");
  await until;
  const [code] = await stopServices([api]);
  options.print(`API stopped: exit ${code}`);
  return code ?? null;
}

import type { z } from "zod";
import { type CommonEnv, ConfigError, loadConfig } from "./config";
import { startHealthServer } from "./healthServer";
import { createLogger, type Logger } from "./logger";
import { Metrics } from "./metrics";
import { ShutdownRegistry } from "./shutdown";

export interface WorkerContext<C> {
  config: C;
  logger: Logger;
  metrics: Metrics;
  shutdown: ShutdownRegistry;
  /** a client failed beyond recovery: close what can be closed and exit non-zero */
  crash: (err: Error) => void;
}

export interface WorkerHandle {
  ready(): boolean;
  close(): Promise<void>;
}

/**
 * The life of one service process: parse config (exit 2 with a message naming the variable on
 * bad config), start the worker, serve /healthz /readyz /metrics on HEALTH_PORT, close
 * everything on SIGTERM/SIGINT (exit 0 when all closed cleanly) and exit 1 when a client crashes.
 */
export async function runWorker<S extends z.ZodType<CommonEnv & { HEALTH_PORT: number }>>(options: {
  name: string;
  env: S;
  start: (ctx: WorkerContext<z.infer<S>>) => Promise<WorkerHandle>;
}): Promise<void> {
  let config: z.infer<S>;
  try {
    config = loadConfig(options.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${options.name}: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  if (process.argv.includes("--check-config")) {
    // Validate the environment and exit without connecting to anything: lets operators (and the
    // docker-compose test) check a deployment's env; prints the variables this service reads.
    const shape = (options.env as unknown as { shape?: Record<string, unknown> }).shape ?? {};
    process.stdout.write(`${JSON.stringify({ service: options.name, ok: true, variables: Object.keys(shape).sort() })}\n`);
    process.exit(0);
  }
  const logger = createLogger({ name: options.name, level: config.LOG_LEVEL });
  const metrics = new Metrics();
  const shutdown = new ShutdownRegistry(logger);
  shutdown.installSignalHandlers();
  let crashed = false;
  const crash = (err: Error) => {
    if (crashed) return;
    crashed = true;
    logger.fatal({ err }, "unrecoverable failure, exiting");
    void shutdown.close().finally(() => process.exit(1));
  };
  process.on("unhandledRejection", (reason) => crash(reason instanceof Error ? reason : new Error(String(reason))));
  try {
    const handle = await options.start({ config, logger, metrics, shutdown, crash });
    shutdown.register({ name: options.name, close: () => handle.close() });
    const health = await startHealthServer({
      port: config.HEALTH_PORT,
      checks: { [options.name]: handle },
      metrics: () => metrics.render(),
    });
    shutdown.register({ name: "health-server", close: () => health.close() });
    logger.info({ healthPort: health.port }, `${options.name} started`);
  } catch (err) {
    crash(err as Error);
  }
}

import type { z } from "zod";
import { type CommonEnv, ConfigError, loadConfig } from "./config";
import { type HealthCheck, startHealthServer } from "./healthServer";
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
  /** adds a check to /readyz (e.g. the Redis connection): the process is ready only while every check is */
  addReadyCheck: (name: string, ready: () => boolean) => void;
}

export interface WorkerHandle {
  ready(): boolean;
  close(): Promise<void>;
}

/**
 * The life of one service process: parse config (exit 2 with a message naming the variable on
 * bad config), serve /healthz /readyz /metrics /stats on HEALTH_HOST:HEALTH_PORT (before anything
 * connects: /readyz answers 503 until the worker has started and while it is not ready), start the
 * worker, close everything on SIGTERM/SIGINT (exit 0 when all closed cleanly; the health server
 * last, answering 503 while the worker stops) and exit 1 when a client crashes.
 */
export async function runWorker<S extends z.ZodType<CommonEnv & { HEALTH_PORT: number; HEALTH_HOST: string }>>(options: {
  name: string;
  env: S;
  start: (ctx: WorkerContext<z.infer<S>>) => Promise<WorkerHandle>;
}): Promise<void> {
  // a service takes no arguments but --check-config: a typo (--chek-config) must not start it for real
  const unknown = process.argv.slice(2).filter((a) => a !== "--check-config");
  if (unknown.length > 0) {
    process.stderr.write(`${options.name}: unknown argument ${JSON.stringify(unknown[0])} (the only one accepted is --check-config)\n`);
    process.exit(2);
  }
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
  metrics.collectDefaults();
  const shutdown = new ShutdownRegistry(logger);
  shutdown.installSignalHandlers();
  let handle: WorkerHandle | undefined;
  // not ready once stopping or crashed, whatever the worker says
  let stopping = false;
  const checks: Record<string, HealthCheck> = { [options.name]: { ready: () => !stopping && handle !== undefined && handle.ready() } };
  let crashed = false;
  const crash = (err: Error) => {
    if (crashed) return;
    crashed = true;
    stopping = true;
    logger.fatal({ err }, "unrecoverable failure, exiting");
    void shutdown.close().finally(() => process.exit(1));
  };
  process.on("unhandledRejection", (reason) => crash(reason instanceof Error ? reason : new Error(String(reason))));
  try {
    const health = await startHealthServer({
      port: config.HEALTH_PORT,
      host: config.HEALTH_HOST,
      checks,
      metrics,
      stats: () => metrics.stats(),
      onError: (err) => logger.error({ err }, "health server could not answer"),
    });
    // registered first, so closed last: /readyz says 503 while the worker stops
    shutdown.register({ name: "health-server", close: () => health.close() });
    logger.info({ healthHost: config.HEALTH_HOST, healthPort: health.port }, "health server listening");
    const addReadyCheck = (name: string, ready: () => boolean) => {
      checks[name] = { ready };
    };
    const started = await options.start({ config, logger, metrics, shutdown, crash, addReadyCheck });
    handle = started;
    shutdown.register({
      name: options.name,
      close: () => {
        stopping = true;
        return started.close();
      },
    });
    logger.info({ healthPort: health.port }, `${options.name} started`);
  } catch (err) {
    crash(err as Error);
  }
}

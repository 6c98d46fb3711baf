import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream, mkdirSync } from "node:fs";
import { type AddressInfo, createServer } from "node:net";
import { dirname, resolve } from "node:path";

export const SERVICES = ["ingestor", "normalizer", "detector", "notifier", "api"] as const;
export type ServiceName = (typeof SERVICES)[number];

export function isServiceName(name: string): name is ServiceName {
  return (SERVICES as readonly string[]).includes(name);
}

export interface RunningService {
  name: ServiceName;
  child: ChildProcess;
  exited: Promise<number | null>;
  /** the port of the service's /healthz /readyz /metrics server */
  healthPort: number;
}

export interface SpawnOptions {
  env: NodeJS.ProcessEnv;
  /** arguments after the service's main.ts (e.g. `rebuild` for the detector's one-shot mode) */
  args?: readonly string[];
  /** write the service's stdout/stderr (JSON logs) to this file instead of the terminal */
  logFile?: string;
}

/** A TCP port that was free a moment ago (the OS picks it), for a child's health server. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

/**
 * V8 settings every service process starts with (before the operator's own `NODE_OPTIONS`, which
 * win: V8 takes the last value of a flag). The young generation's semi-space is capped at 16 MB
 * (Node 20's default): on a machine with much memory Node 24's V8 sizes it at 64 MB, and a stage
 * streaming records fills it before each scavenge, so the young generation alone held 128 MB of
 * the normalizer's peak. Capped, the peak is about 100 MB lower at the same CPU per record
 * (docs/benchmarks.md, "Third round on issue 13, part 1"). The Dockerfile sets the same (a test
 * compares them).
 */
export const SERVICE_NODE_OPTIONS = "--max-semi-space-size=16";

/** The `NODE_OPTIONS` of a service process: the services' V8 settings, then the operator's. */
export function serviceNodeOptions(env: NodeJS.ProcessEnv): string {
  return [SERVICE_NODE_OPTIONS, env.NODE_OPTIONS?.trim()].filter(Boolean).join(" ");
}

/** Starts a service's main.ts as its own process (as a supervisor or docker-compose would). */
export async function spawnService(repoRoot: string, name: ServiceName, options: SpawnOptions): Promise<RunningService> {
  const main = resolve(repoRoot, "services", name, "src/main.ts");
  const given = Number(options.env.HEALTH_PORT ?? 0);
  const healthPort = given > 0 ? given : await freePort();
  const child = spawn(process.execPath, ["--import", "tsx", main, ...(options.args ?? [])], {
    cwd: repoRoot,
    env: { ...options.env, NODE_OPTIONS: serviceNodeOptions(options.env), HEALTH_PORT: String(healthPort) },
    stdio: ["ignore", options.logFile ? "pipe" : "inherit", options.logFile ? "pipe" : "inherit"],
  });
  const exited = new Promise<number | null>((done) => child.once("exit", (code, signal) => done(code ?? (signal ? 128 : null))));
  if (options.logFile && child.stdout && child.stderr) {
    mkdirSync(dirname(options.logFile), { recursive: true });
    const log = createWriteStream(options.logFile, { flags: "a" });
    child.stdout.pipe(log, { end: false });
    child.stderr.pipe(log, { end: false });
    void exited.then(() => log.end());
  }
  return { name, child, exited, healthPort };
}

/** Waits until the service answers 200 on /readyz (Kafka group joined, clients connected). */
export async function waitReady(service: RunningService, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const port = await Promise.race([
    service.healthPort,
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`${service.name} did not start within ${timeoutMs} ms`)), timeoutMs).unref(),
    ),
  ]);
  for (;;) {
    if (service.child.exitCode !== null) throw new Error(`${service.name} exited with code ${service.child.exitCode}`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/readyz`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${service.name} was not ready within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** SIGTERM every service and wait for each to exit (SIGKILL after `deadlineMs`). */
export async function stopServices(services: readonly RunningService[], deadlineMs = 20_000): Promise<(number | null)[]> {
  for (const s of services) if (s.child.exitCode === null) s.child.kill("SIGTERM");
  return Promise.all(
    services.map(async (s) => {
      const timer = setTimeout(() => s.child.kill("SIGKILL"), deadlineMs);
      try {
        return await s.exited;
      } finally {
        clearTimeout(timer);
      }
    }),
  );
}

export interface PipelineServicesOptions {
  brokers: readonly string[];
  redisUrl: string;
  /** ENTREPOT_TOPIC_PREFIX: the topics, groups and Redis keys of this run */
  prefix: string;
  /** each service's JSON logs go to `<logDir>/<name>.log` */
  logDir: string;
  /** ENTREPOT_SETTLE_MS of the detector */
  settleMs: number;
  /** ENTREPOT_RULES_FILE of the detector (default: the built-in rules) */
  rulesFile?: string;
  readyTimeoutMs?: number;
}

/**
 * normalizer, detector and notifier as processes on one prefix, each ready (Kafka group joined),
 * delivering webhooks to loopback subscribers (ENTREPOT_WEBHOOK_ALLOW=127.0.0.1/32): the demo's
 * and the end-to-end tests' pipeline. When one does not get ready, all are stopped and it throws.
 */
export async function startPipelineServices(repoRoot: string, options: PipelineServicesOptions): Promise<RunningService[]> {
  const env = {
    ...process.env,
    KAFKA_BROKERS: options.brokers.join(","),
    REDIS_URL: options.redisUrl,
    ENTREPOT_TOPIC_PREFIX: options.prefix,
    ENTREPOT_SETTLE_MS: String(options.settleMs),
    ENTREPOT_WEBHOOK_ALLOW: "127.0.0.1/32",
    ...(options.rulesFile ? { ENTREPOT_RULES_FILE: options.rulesFile } : {}),
    LOG_LEVEL: "info",
    // each its own free port, whatever the caller's environment says
    HEALTH_PORT: "0",
  };
  const services: RunningService[] = [];
  try {
    for (const name of ["normalizer", "detector", "notifier"] as const) {
      services.push(await spawnService(repoRoot, name, { env, logFile: resolve(options.logDir, `${name}.log`) }));
    }
    await Promise.all(services.map((s) => waitReady(s, options.readyTimeoutMs ?? 90_000)));
    return services;
  } catch (err) {
    await stopServices(services);
    throw err;
  }
}

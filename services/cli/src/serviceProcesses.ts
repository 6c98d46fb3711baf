import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream, mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { createInterface } from "node:readline";

export const SERVICES = ["ingestor", "normalizer", "detector", "notifier"] as const;
export type ServiceName = (typeof SERVICES)[number];

export function isServiceName(name: string): name is ServiceName {
  return (SERVICES as readonly string[]).includes(name);
}

export interface RunningService {
  name: ServiceName;
  child: ChildProcess;
  exited: Promise<number | null>;
  /** resolves with the health port once the service logged that it started (only with a log file) */
  healthPort: Promise<number>;
}

export interface SpawnOptions {
  env: NodeJS.ProcessEnv;
  /** write the service's stdout/stderr (JSON logs) to this file instead of the terminal */
  logFile?: string;
}

/** Starts a service's main.ts as its own process (as a supervisor or docker-compose would). */
export function spawnService(repoRoot: string, name: ServiceName, options: SpawnOptions): RunningService {
  const main = resolve(repoRoot, "services", name, "src/main.ts");
  const piped = options.logFile !== undefined;
  const child = spawn(process.execPath, ["--import", "tsx", main], {
    cwd: repoRoot,
    env: { ...options.env, HEALTH_PORT: options.env.HEALTH_PORT ?? "0" },
    stdio: ["ignore", piped ? "pipe" : "inherit", piped ? "pipe" : "inherit"],
  });
  const exited = new Promise<number | null>((done) => child.once("exit", (code, signal) => done(code ?? (signal ? 128 : null))));
  let healthPort: Promise<number>;
  if (options.logFile && child.stdout && child.stderr) {
    mkdirSync(dirname(options.logFile), { recursive: true });
    const log = createWriteStream(options.logFile, { flags: "a" });
    child.stderr.pipe(log, { end: false });
    const lines = createInterface({ input: child.stdout });
    healthPort = new Promise<number>((resolvePort, reject) => {
      lines.on("line", (line) => {
        log.write(`${line}\n`);
        const port = startedPort(line);
        if (port !== undefined) resolvePort(port);
      });
      void exited.then((code) => reject(new Error(`${name} exited with code ${code} before it started; see ${options.logFile}`)));
    });
    void exited.then(() => log.end());
  } else {
    healthPort = Promise.reject(new Error(`${name}: health port is only known when its output goes to a log file`));
  }
  healthPort.catch(() => undefined);
  return { name, child, exited, healthPort };
}

/** The health port from the service's "<name> started" JSON log line, if this is that line. */
export function startedPort(line: string): number | undefined {
  if (!line.startsWith("{")) return undefined;
  try {
    const entry = JSON.parse(line) as { msg?: unknown; healthPort?: unknown };
    if (typeof entry.msg === "string" && entry.msg.endsWith(" started") && typeof entry.healthPort === "number") return entry.healthPort;
  } catch {
    // not a JSON log line
  }
  return undefined;
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

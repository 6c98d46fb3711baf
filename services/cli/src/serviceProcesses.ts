import { type ChildProcess, spawn } from "node:child_process";
import { resolve } from "node:path";

export const SERVICES = ["ingestor", "normalizer", "detector", "notifier"] as const;
export type ServiceName = (typeof SERVICES)[number];

export interface RunningService {
  name: ServiceName;
  child: ChildProcess;
  exited: Promise<number | null>;
}

/** Starts a service's main.ts as its own process (as a supervisor or docker-compose would). */
export function spawnService(repoRoot: string, name: ServiceName, env: NodeJS.ProcessEnv, stdio: "inherit" | "pipe" = "inherit"): RunningService {
  const main = resolve(repoRoot, "services", name, "src/main.ts");
  const child = spawn(process.execPath, ["--import", "tsx", main], { cwd: repoRoot, env, stdio: ["ignore", stdio, stdio] });
  const exited = new Promise<number | null>((done) => child.once("exit", (code, signal) => done(code ?? (signal ? 128 : null))));
  return { name, child, exited };
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

import { execFile, spawnSync } from "node:child_process";
import { resolve } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** Runs `infra/scripts/infra.sh <action>`; "quiet" keeps its stdout (the env lines) off the terminal. */
export function infraCommand(repoRoot: string, action: "up" | "down" | "status", output: "inherit" | "quiet" = "inherit"): number {
  const r = spawnSync("bash", [resolve(repoRoot, "infra/scripts/infra.sh"), action], {
    cwd: repoRoot,
    stdio: ["ignore", output === "quiet" ? "ignore" : "inherit", "inherit"],
  });
  return r.status ?? 1;
}

/** true when `infra.sh status` reports both Kafka and Redis answering */
export async function infraRunning(repoRoot: string): Promise<boolean> {
  try {
    await run("bash", [resolve(repoRoot, "infra/scripts/infra.sh"), "status"], { cwd: repoRoot });
    return true;
  } catch {
    return false;
  }
}

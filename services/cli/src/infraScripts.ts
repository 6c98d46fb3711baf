import { execFile, spawnSync } from "node:child_process";
import { resolve } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** Runs `infra/scripts/infra.sh <action>` with output passed through. */
export function infraCommand(repoRoot: string, action: "up" | "down" | "status"): number {
  const r = spawnSync("bash", [resolve(repoRoot, "infra/scripts/infra.sh"), action], { stdio: "inherit" });
  return r.status ?? 1;
}

/** true when `infra.sh status` reports both Kafka and Redis answering */
export async function infraRunning(repoRoot: string): Promise<boolean> {
  try {
    await run("bash", [resolve(repoRoot, "infra/scripts/infra.sh"), "status"]);
    return true;
  } catch {
    return false;
  }
}

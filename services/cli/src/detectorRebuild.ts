import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { spawnService } from "./serviceProcesses";

/**
 * `entrepot detector rebuild [--rules r.yaml]`: runs the detector's own entry point in its
 * one-shot rebuild mode (`services/detector/src/main.ts rebuild`) with this environment and
 * returns its exit code; it prints the rebuild report. `logLevel` is the CLI's (quieter than the
 * services' `info` by default).
 */
export async function detectorRebuildCommand(repoRoot: string, args: readonly string[], logLevel: string): Promise<number> {
  const { values } = parseArgs({ args: [...args], options: { rules: { type: "string" } } });
  const detector = await spawnService(repoRoot, "detector", {
    env: { ...process.env, LOG_LEVEL: logLevel },
    // the detector runs from the repository root: a relative rules path is the caller's
    args: ["rebuild", ...(values.rules ? ["--rules", resolve(values.rules)] : [])],
  });
  return (await detector.exited) ?? 1;
}

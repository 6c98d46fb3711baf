import { execFile } from "node:child_process";
import { resolve } from "node:path";
import { promisify } from "node:util";
import { repoRoot } from "@entrepot/testkit";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);

/** Runs `services/<name>/src/main.ts` with only `env` (plus PATH); resolves with its exit code and output. */
async function service(name: string, args: string[], env: Record<string, string>) {
  const main = resolve(repoRoot, "services", name, "src/main.ts");
  return run(process.execPath, ["--import", "tsx", main, ...args], { cwd: repoRoot, env: { PATH: process.env.PATH ?? "", ...env } }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (err: { code: number; stdout: string; stderr: string }) => ({ code: err.code, stdout: err.stdout, stderr: err.stderr }),
  );
}

// child processes loading a service through tsx: seconds each on a loaded 2-core machine
const slow = { timeout: 60_000 };

describe("service start-up checks (--check-config)", () => {
  it("refuses an unknown argument instead of starting for real (a typo of --check-config)", slow, async () => {
    const r = await service("normalizer", ["--chek-config"], {});
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('normalizer: unknown argument "--chek-config" (the only one accepted is --check-config)\n');
  });

  it("fails the detector's configuration when its rules file is missing or invalid", slow, async () => {
    const missing = await service("detector", ["--check-config"], { ENTREPOT_RULES_FILE: "/nonexistent/rules.yaml" });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("ENTREPOT_RULES_FILE");
    expect(missing.stderr).toContain("/nonexistent/rules.yaml cannot be read");
    const good = await service("detector", ["--check-config"], { ENTREPOT_RULES_FILE: "services/cli/samples/demo-rules.yaml" });
    expect(good.code).toBe(0);
  });

  it("fails the notifier's configuration when its records would expire before the retry schedule ends", slow, async () => {
    const r = await service("notifier", ["--check-config"], {
      ENTREPOT_RETRY_SCHEDULE_MS: "0,60000,600000",
      ENTREPOT_STATE_RETENTION_MS: "120000",
      ENTREPOT_DISABLE_AFTER_FAILING_MS: "60000",
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("ENTREPOT_STATE_RETENTION_MS");
    expect(r.stderr).toContain("must be longer than the retry schedule (ENTREPOT_RETRY_SCHEDULE_MS adds up to 660000 ms)");
    const ok = await service("notifier", ["--check-config"], {
      ENTREPOT_RETRY_SCHEDULE_MS: "0,60000",
      ENTREPOT_STATE_RETENTION_MS: "3600000",
      ENTREPOT_DISABLE_AFTER_FAILING_MS: "60000",
    });
    expect(ok.code).toBe(0);
  });
});

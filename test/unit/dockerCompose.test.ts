import { execFile } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { promisify } from "node:util";
import { repoRoot } from "@entrepot/testkit";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

const run = promisify(execFile);

interface ComposeService {
  image?: string;
  build?: unknown;
  command?: string[];
  environment?: Record<string, string | number>;
  depends_on?: Record<string, { condition: string }>;
}
const compose = parse(readFileSync(resolve(repoRoot, "docker-compose.yml"), "utf8"), { merge: true }) as {
  services: Record<string, ComposeService>;
};
const serviceDirs = readdirSync(resolve(repoRoot, "services")).filter((d) => existsSync(resolve(repoRoot, "services", d, "src/main.ts")));

/** The compose service that runs services/<dir>/src/main.ts. */
function composeServiceFor(dir: string): [string, ComposeService] | undefined {
  return Object.entries(compose.services).find(([, s]) => s.command?.[0] === `services/${dir}/src/main.ts`);
}

/** What an operator's .env would hold (compose interpolates `${NAME:?message}` from it). */
const DOT_ENV: Record<string, string> = {
  // openssl rand -base64 32 (a patterned key is refused)
  ENTREPOT_SECRET_KEY: randomBytes(32).toString("base64"),
  ENTREPOT_API_KEY_HASHES: createHash("sha256").update("dev-api-key").digest("hex"),
};

/** Interpolates `${NAME}`, `${NAME:?msg}` and `${NAME:-default}` as compose does; a missing required one fails the test. */
function interpolate(value: string): string {
  return value.replace(/\$\{([A-Z0-9_]+)(?::([?-])([^}]*))?\}/g, (_, name: string, op?: string, arg?: string) => {
    const v = DOT_ENV[name];
    if (v !== undefined) return v;
    if (op === "-") return arg ?? "";
    throw new Error(`compose needs \${name} from .env: ${arg ?? ""}`);
  });
}

function envOf(s: ComposeService): Record<string, string> {
  return Object.fromEntries(Object.entries(s.environment ?? {}).map(([k, v]) => [k, interpolate(String(v))]));
}

describe("docker-compose.yml", () => {
  it("runs Kafka in KRaft mode from the official image, and Redis", () => {
    const kafka = compose.services.kafka;
    expect(kafka?.image).toMatch(/^apache\/kafka:4\./);
    expect(envOf(kafka ?? {}).KAFKA_PROCESS_ROLES).toBe("broker,controller");
    expect(compose.services.redis?.image).toMatch(/^redis:/);
  });

  it.each(serviceDirs)("has services/%s with Kafka and Redis of the compose network", (dir) => {
    const found = composeServiceFor(dir);
    expect(found, `no compose service runs services/${dir}/src/main.ts`).toBeDefined();
    const [, svc] = found ?? ["", {}];
    const env = envOf(svc);
    expect(env.KAFKA_BROKERS).toBe("kafka:9092");
    expect(svc.depends_on?.kafka?.condition).toBe("service_healthy");
    if (dir !== "cli") {
      expect(env.REDIS_URL).toBe("redis://redis:6379");
      expect(svc.depends_on?.redis?.condition).toBe("service_healthy");
    }
  });

  const workers = serviceDirs.filter((d) => d !== "cli");
  it.each(workers)("gives services/%s an environment its own config schema accepts, with no unknown variables", async (dir) => {
    const [, svc] = composeServiceFor(dir) ?? ["", {}];
    const env = envOf(svc);
    const { stdout } = await run(
      process.execPath,
      ["--import", "tsx", resolve(repoRoot, "services", dir, "src/main.ts"), "--check-config"],
      {
        cwd: repoRoot,
        env: { PATH: process.env.PATH ?? "", ...env },
      },
    );
    const report = JSON.parse(stdout.trim().split("\n").pop() ?? "{}") as { ok: boolean; variables: string[] };
    expect(report.ok).toBe(true);
    for (const name of Object.keys(env)) expect(report.variables, `${dir} does not read ${name}`).toContain(name);
  });

  it("a service given a wrong value fails at once, naming the variable", async () => {
    const main = resolve(repoRoot, "services/normalizer/src/main.ts");
    const failed = await run(process.execPath, ["--import", "tsx", main, "--check-config"], {
      cwd: repoRoot,
      env: { PATH: process.env.PATH ?? "", KAFKA_BROKERS: "kafka" },
    }).then(
      () => undefined,
      (err: { code: number; stderr: string }) => err,
    );
    expect(failed?.code).toBe(2);
    expect(failed?.stderr).toContain("KAFKA_BROKERS");
    expect(failed?.stderr).toContain("host:port");
  });
});

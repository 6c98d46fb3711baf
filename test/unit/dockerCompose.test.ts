import { execFile } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { promisify } from "node:util";
import { SERVICE_NODE_OPTIONS } from "@entrepot/cli";
import { loadRulesFile } from "@entrepot/detect";
import { repoRoot } from "@entrepot/testkit";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { dashboardMetricNames, metricNamesOf, readDashboard } from "../grafanaDashboard";

const run = promisify(execFile);

interface ComposeService {
  image?: string;
  build?: unknown;
  command?: string[];
  environment?: Record<string, string | number>;
  depends_on?: Record<string, { condition: string }>;
  volumes?: string[];
  healthcheck?: { test: string[] };
}
const compose = parse(readFileSync(resolve(repoRoot, "docker-compose.yml"), "utf8"), { merge: true }) as {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
};
const serviceDirs = readdirSync(resolve(repoRoot, "services")).filter((d) => existsSync(resolve(repoRoot, "services", d, "src/main.ts")));
/** the long-running services (cli is a one-shot command) */
const workers = serviceDirs.filter((d) => d !== "cli");

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

/** `host:container[:mode]` volume entries of a service as container path -> host path (or volume name). */
function mountsOf(s: ComposeService | undefined): Map<string, string> {
  return new Map(
    (s?.volumes ?? []).map((v) => {
      const [host = "", container = ""] = v.split(":");
      return [container, host];
    }),
  );
}

/** The file a relative bind mount of compose (`./x`) points at, from the repository root. */
const hostFile = (host: string | undefined) => resolve(repoRoot, host ?? "(not mounted)");

function readYaml<T>(path: string): T {
  return parse(readFileSync(path, "utf8")) as T;
}

/** A service's environment, a value naming a file the container mounts given as that file on this machine (the rules file). */
function hostEnvOf(svc: ComposeService): Record<string, string> {
  const mounts = mountsOf(svc);
  return Object.fromEntries(
    Object.entries(envOf(svc)).map(([k, v]) => {
      const host = mounts.get(v);
      return [k, host?.startsWith("./") ? resolve(repoRoot, host) : v];
    }),
  );
}

describe("docker-compose.yml", () => {
  it("runs Kafka in KRaft mode from the official image, and Redis", () => {
    const kafka = compose.services.kafka;
    expect(kafka?.image).toMatch(/^apache\/kafka:4\./);
    expect(envOf(kafka ?? {}).KAFKA_PROCESS_ROLES).toBe("broker,controller");
    expect(compose.services.redis?.image).toMatch(/^redis:/);
  });

  it("runs the Kafka version the local broker and the tests use (infra/kafka/pom.xml)", () => {
    const pinned = /<kafka\.version>([^<]+)<\/kafka\.version>/.exec(readFileSync(resolve(repoRoot, "infra/kafka/pom.xml"), "utf8"))?.[1];
    expect(pinned).toMatch(/^\d+\.\d+\.\d+$/);
    expect(compose.services.kafka?.image).toBe(`apache/kafka:${pinned}`);
  });

  it("starts the services' image with the V8 settings the CLI starts them with (SERVICE_NODE_OPTIONS)", () => {
    const dockerfile = readFileSync(resolve(repoRoot, "infra/docker/Dockerfile"), "utf8");
    expect(/^ENV NODE_OPTIONS="([^"]*)"$/m.exec(dockerfile)?.[1]).toBe(SERVICE_NODE_OPTIONS);
    for (const dir of workers) expect(envOf(composeServiceFor(dir)?.[1] ?? {}).NODE_OPTIONS, dir).toBeUndefined();
  });

  it("keeps Kafka's data in its volume: the log directory the broker is told to use is the mounted one", () => {
    const kafka = compose.services.kafka ?? {};
    const logDirs = envOf(kafka).KAFKA_LOG_DIRS;
    expect(logDirs).toBeDefined();
    expect(mountsOf(kafka).get(logDirs ?? "")).toBe("kafka-data");
    expect(Object.keys(compose.volumes ?? {})).toContain("kafka-data");
    expect(mountsOf(compose.services.redis).get("/data")).toBe("redis-data");
  });

  it("gives the detector the demo's watch list, so the billing-vs-customs rules can fire", () => {
    const detector = composeServiceFor("detector")?.[1] ?? {};
    const rulesFile = envOf(detector).ENTREPOT_RULES_FILE;
    expect(rulesFile).toBeDefined();
    const host = mountsOf(detector).get(rulesFile ?? "");
    expect(hostFile(host)).toBe(resolve(repoRoot, "services/cli/samples/demo-rules.yaml"));
    const rules = loadRulesFile(hostFile(host));
    expect(rules.watchList).toContainEqual(expect.objectContaining({ company: "NVDA", hubs: ["SG"] }));
  });

  it.each(workers)("serves the health endpoints of services/%s on every interface, probed on /readyz", (dir) => {
    const [, svc] = composeServiceFor(dir) ?? ["", {}];
    const env = hostEnvOf(svc);
    expect(env.HEALTH_HOST).toBe("0.0.0.0");
    expect(env.HEALTH_PORT).toMatch(/^\d+$/);
    expect(svc.healthcheck?.test.join(" ")).toContain(`http://127.0.0.1:${env.HEALTH_PORT}/readyz`);
  });

  it("has Prometheus scrape every service's /metrics on its health port", () => {
    const prometheus = compose.services.prometheus;
    expect(prometheus?.image).toMatch(/^prom\/prometheus:v3\./);
    const configFile = hostFile(mountsOf(prometheus).get("/etc/prometheus/prometheus.yml"));
    const config = readYaml<{ scrape_configs: { job_name: string; metrics_path?: string; static_configs: { targets: string[] }[] }[] }>(
      configFile,
    );
    for (const dir of workers) {
      const [name, svc] = composeServiceFor(dir) ?? ["", {}];
      const job = config.scrape_configs.find((j) => j.job_name === dir);
      expect(job, `no scrape job for ${dir}`).toBeDefined();
      expect(job?.metrics_path ?? "/metrics").toBe("/metrics");
      expect(job?.static_configs.flatMap((c) => c.targets)).toEqual([`${name}:${envOf(svc).HEALTH_PORT}`]);
    }
  });

  it("provisions Grafana with the Prometheus datasource and the committed dashboard", () => {
    const grafana = compose.services.grafana;
    expect(grafana?.image).toMatch(/^grafana\/grafana:/);
    const mounts = mountsOf(grafana);
    const provisioning = hostFile(mounts.get("/etc/grafana/provisioning"));
    const datasources = readYaml<{ datasources: { uid: string; type: string; url: string }[] }>(
      resolve(provisioning, "datasources/prometheus.yml"),
    ).datasources;
    const providers = readYaml<{ providers: { options: { path: string } }[] }>(resolve(provisioning, "dashboards/entrepot.yml")).providers;
    // the provider reads the folder the dashboards are mounted at, which holds the committed dashboard
    const dashboardsDir = hostFile(mounts.get(providers[0]?.options.path ?? ""));
    expect(existsSync(resolve(dashboardsDir, "entrepot.json"))).toBe(true);
    const dashboard = readDashboard();
    const uids = new Set(dashboard.panels.map((p) => p.datasource.uid));
    expect([...uids]).toEqual([datasources.find((d) => d.type === "prometheus" && d.url === "http://prometheus:9090")?.uid]);
    const titles = dashboard.panels.map((p) => p.title.toLowerCase()).join(" | ");
    for (const topic of ["throughput", "lag", "rejects", "alerts", "deliveries"]) expect(titles).toContain(topic);
  });

  it("queries only Entrepot and Node.js process metrics on the dashboard", () => {
    const names = dashboardMetricNames();
    expect(names.length).toBeGreaterThan(10);
    for (const name of names) expect(name).toMatch(/^(entrepot|process|nodejs)_[a-z0-9_]+$/);
    expect(names).toContain("entrepot_consumer_lag");
    expect(names).toContain("entrepot_batch_duration_seconds_bucket");
  });

  it("reads metric names out of PromQL, leaving functions, labels, strings and ranges out", () => {
    expect(
      metricNamesOf('histogram_quantile(0.95, sum by (le, stage) (rate(a_seconds_bucket{stage="x",job=~"n.*"}[$__rate_interval])))'),
    ).toEqual(["a_seconds_bucket"]);
    expect(metricNamesOf("sum without (pod) (b_total) / on (job) group_left c_total + process_rss")).toEqual([
      "b_total",
      "c_total",
      "process_rss",
    ]);
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

  it.each(workers)(
    "gives services/%s an environment its own config schema accepts, with no unknown variables",
    async (dir) => {
      const [, svc] = composeServiceFor(dir) ?? ["", {}];
      const env = hostEnvOf(svc);
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
      // a child process loading a service through tsx: seconds on a loaded 2-core machine
    },
    60_000,
  );

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
  }, 60_000);
});

import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { repoRoot } from "@entrepot/testkit";

const run = promisify(execFile);

/**
 * The fault suite's own Kafka broker and Redis, started with the repo's infra scripts on ports
 * and a state folder nobody else uses, so stopping and restarting them affects only this suite
 * (never the shared 9092/6379). Ports can be moved with FAULTS_KAFKA_PORT,
 * FAULTS_KAFKA_CONTROLLER_PORT and FAULTS_REDIS_PORT.
 */
export interface PrivateInfra {
  kafkaPort: number;
  controllerPort: number;
  redisPort: number;
  /** ENTREPOT_INFRA_DIR of the scripts: data, logs and pid files of this pair only */
  dir: string;
}

export function privateInfraConfig(env: NodeJS.ProcessEnv = process.env): PrivateInfra {
  return {
    kafkaPort: Number(env.FAULTS_KAFKA_PORT ?? 19192),
    controllerPort: Number(env.FAULTS_KAFKA_CONTROLLER_PORT ?? 19193),
    redisPort: Number(env.FAULTS_REDIS_PORT ?? 16479),
    dir: env.FAULTS_INFRA_DIR ?? join(tmpdir(), "entrepot-faults-infra"),
  };
}

export const kafkaBrokersOf = (infra: PrivateInfra) => `127.0.0.1:${infra.kafkaPort}`;
export const redisUrlOf = (infra: PrivateInfra) => `redis://127.0.0.1:${infra.redisPort}`;

type Component = "kafka" | "redis";

/** Runs `infra/scripts/<component>.sh <command>` against the private pair only. */
async function script(infra: PrivateInfra, component: Component, command: "start" | "stop"): Promise<void> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    KAFKA_PORT: String(infra.kafkaPort),
    KAFKA_CONTROLLER_PORT: String(infra.controllerPort),
    REDIS_PORT: String(infra.redisPort),
    ENTREPOT_INFRA_DIR: infra.dir,
  };
  // redis.sh start reuses whatever REDIS_URL points at: it must start ours instead
  delete env.REDIS_URL;
  delete env.KAFKA_BROKERS;
  const file = resolve(repoRoot, "infra/scripts", `${component}.sh`);
  try {
    await run("bash", [file, command], { env, timeout: 240_000, maxBuffer: 16 * 1024 * 1024 });
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`${component}.sh ${command} (private pair in ${infra.dir}) failed: ${e.message}\n${e.stderr ?? ""}`);
  }
  // the scripts reuse a server that already answers on the port; this suite must own what it restarts
  const pidFile = component === "kafka" ? join(infra.dir, "kafka/kafka.pid") : join(infra.dir, "redis/redis.pid");
  if (command === "start" && !existsSync(pidFile))
    throw new Error(`${component} on the fault suite's port was not started by it (no ${pidFile}): move the port with FAULTS_*_PORT`);
}

export const startKafka = (infra: PrivateInfra) => script(infra, "kafka", "start");
export const stopKafka = (infra: PrivateInfra) => script(infra, "kafka", "stop");
export const startRedis = (infra: PrivateInfra) => script(infra, "redis", "start");
export const stopRedis = (infra: PrivateInfra) => script(infra, "redis", "stop");

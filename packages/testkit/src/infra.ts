import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { connect } from "node:net";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);

/** Where tests find Kafka and Redis, and how to release them. */
export interface TestInfra {
  kafkaBrokers: string;
  redisUrl: string;
  /** how it was obtained: env, testcontainers or local scripts */
  via: "env" | "testcontainers" | "local-scripts" | "already-running";
  stop(): Promise<void>;
}

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");

function portOpen(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect({ host, port });
    const finish = (ok: boolean) => {
      socket.destroy();
      done(ok);
    };
    socket.setTimeout(timeoutMs, () => finish(false));
    socket.once("connect", () => finish(true));
    socket.once("error", () => finish(false));
  });
}

async function dockerAvailable(): Promise<boolean> {
  const socket = process.env.DOCKER_HOST ?? "/var/run/docker.sock";
  if (!process.env.DOCKER_HOST && !existsSync(socket)) return false;
  try {
    await run("docker", ["info", "--format", "{{.ServerVersion}}"], { timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}

async function viaTestcontainers(): Promise<TestInfra> {
  const { GenericContainer, Wait } = await import("testcontainers");
  const kafka = await new GenericContainer("apache/kafka:4.1.0")
    .withExposedPorts({ container: 9092, host: 19092 })
    .withEnvironment({
      KAFKA_NODE_ID: "1",
      KAFKA_PROCESS_ROLES: "broker,controller",
      KAFKA_LISTENERS: "PLAINTEXT://:9092,CONTROLLER://:9093",
      KAFKA_ADVERTISED_LISTENERS: "PLAINTEXT://127.0.0.1:19092",
      KAFKA_CONTROLLER_LISTENER_NAMES: "CONTROLLER",
      KAFKA_CONTROLLER_QUORUM_VOTERS: "1@localhost:9093",
      KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: "1",
      KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: "1",
      KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: "1",
      KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: "0",
      KAFKA_AUTO_CREATE_TOPICS_ENABLE: "false",
    })
    .withWaitStrategy(Wait.forLogMessage(/Kafka Server started/))
    .start();
  const redis = await new GenericContainer("redis:7-alpine")
    .withExposedPorts(6379)
    .withCommand(["redis-server", "--maxmemory-policy", "noeviction"])
    .start();
  return {
    kafkaBrokers: `127.0.0.1:${kafka.getMappedPort(9092)}`,
    redisUrl: `redis://127.0.0.1:${redis.getMappedPort(6379)}`,
    via: "testcontainers",
    stop: async () => {
      await kafka.stop();
      await redis.stop();
    },
  };
}

async function viaLocalScripts(): Promise<TestInfra> {
  const script = resolve(repoRoot, "infra/scripts/infra.sh");
  try {
    await run("bash", [script, "up"], { timeout: 300_000, maxBuffer: 16 * 1024 * 1024 });
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    throw new Error(`local infra failed to start (${script} up): ${e.message}\n${e.stdout ?? ""}\n${e.stderr ?? ""}`);
  }
  return {
    kafkaBrokers: `127.0.0.1:${process.env.KAFKA_PORT ?? "9092"}`,
    redisUrl: `redis://127.0.0.1:${process.env.REDIS_PORT ?? "6379"}`,
    via: "local-scripts",
    stop: async () => {
      await run("bash", [script, "down"], { timeout: 120_000 });
    },
  };
}

/**
 * Real Kafka and Redis for tests, in order of preference:
 * KAFKA_BROKERS + REDIS_URL from the environment; services already answering on the default
 * local ports; testcontainers when a Docker engine answers; else the repo's infra scripts.
 * Only what this function started is stopped by `stop()`.
 */
export async function acquireTestInfra(): Promise<TestInfra> {
  const { KAFKA_BROKERS, REDIS_URL } = process.env;
  if (KAFKA_BROKERS && REDIS_URL) {
    return { kafkaBrokers: KAFKA_BROKERS, redisUrl: REDIS_URL, via: "env", stop: async () => undefined };
  }
  const kafkaPort = Number(process.env.KAFKA_PORT ?? 9092);
  const redisPort = Number(process.env.REDIS_PORT ?? 6379);
  if ((await portOpen("127.0.0.1", kafkaPort)) && (await portOpen("127.0.0.1", redisPort))) {
    return {
      kafkaBrokers: `127.0.0.1:${kafkaPort}`,
      redisUrl: `redis://127.0.0.1:${redisPort}`,
      via: "already-running",
      stop: async () => undefined,
    };
  }
  if (await dockerAvailable()) return viaTestcontainers();
  return viaLocalScripts();
}

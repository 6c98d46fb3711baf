import type { TestProject } from "vitest/node";
import { acquireTestInfra, type TestInfra } from "./infra";
import "./provided";

let infra: TestInfra | undefined;

/** vitest globalSetup for integration tests: real Kafka and Redis, provided to tests via inject(). */
export async function setup({ provide }: TestProject) {
  infra = await acquireTestInfra();
  console.log(`[testkit] Kafka ${infra.kafkaBrokers}, Redis ${infra.redisUrl} (via ${infra.via})`);
  provide("kafkaBrokers", infra.kafkaBrokers);
  provide("redisUrl", infra.redisUrl);
}

export async function teardown() {
  await infra?.stop();
}

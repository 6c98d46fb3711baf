import { type ChildProcess, spawn } from "node:child_process";
import { resolve } from "node:path";
import { RoutingState, SubscriptionStore } from "@entrepot/delivery";
import { createKafka, ensureTopics, JsonProducer } from "@entrepot/kafka";
import { createLogger } from "@entrepot/runtime";
import { topicDefinitions, topicName } from "@entrepot/schemas";
import { makeAlert, repoRoot, startReceiver, uniquePrefix, waitFor } from "@entrepot/testkit";
import { Redis } from "ioredis";
import { afterAll, describe, expect, inject, it } from "vitest";

import { eventIdFor } from "./webhookDelivery";

const logger = createLogger({ name: "notifier-crash-test", level: "warn" });

function spawnNotifier(prefix: string): { child: ChildProcess; exited: Promise<unknown> } {
  const child = spawn(process.execPath, ["--import", "tsx", resolve(repoRoot, "services/notifier/src/main.ts")], {
    cwd: repoRoot,
    env: {
      ...process.env,
      KAFKA_BROKERS: inject("kafkaBrokers"),
      REDIS_URL: inject("redisUrl"),
      ENTREPOT_TOPIC_PREFIX: prefix,
      ENTREPOT_WEBHOOK_ALLOW: "127.0.0.1/32",
      ENTREPOT_RETRY_SCHEDULE_MS: "0,200,200,200,200,200",
      ENTREPOT_SUBSCRIPTION_IN_FLIGHT: "4",
      ENTREPOT_DELIVERY_LOCK_MS: "2000",
      ENTREPOT_WEBHOOK_TIMEOUT_MS: "60000",
      HEALTH_PORT: "0",
      LOG_LEVEL: "warn",
    },
    stdio: "ignore",
  });
  return { child, exited: new Promise((r) => child.once("exit", r)) };
}

describe("notifier killed mid-delivery", () => {
  const redis = new Redis(inject("redisUrl"));
  const running: ChildProcess[] = [];
  afterAll(async () => {
    for (const c of running) if (c.exitCode === null) c.kill("SIGKILL");
    redis.disconnect();
  });

  it("loses nothing: after a restart every webhook-id reaches the subscriber", async () => {
    const prefix = uniquePrefix("crash");
    const kafka = createKafka({ brokers: inject("kafkaBrokers").split(","), clientId: "crash-test", logger });
    await ensureTopics(kafka, topicDefinitions(prefix));
    const rx = await startReceiver();
    const sub = await new SubscriptionStore(redis, prefix).add({ url: rx.url });
    // the first four requests hang: the process is killed while they are in flight
    rx.script(Array.from({ length: 4 }, () => ({ status: 200, delayMs: 120_000 })));
    const alerts = Array.from({ length: 8 }, (_, i) => makeAlert({ period: `FY2024-Q${i}` }));
    const producer = new JsonProducer(kafka);
    await producer.start();
    await producer.send(alerts.map((a) => ({ topic: topicName(prefix, "alerts"), key: a.alertId, value: a })));
    await producer.close();

    const first = spawnNotifier(prefix);
    running.push(first.child);
    await waitFor(() => rx.requests.length >= 4, { timeoutMs: 60_000, description: "four deliveries in flight" });
    first.child.kill("SIGKILL");
    await first.exited;

    const second = spawnNotifier(prefix);
    running.push(second.child);
    const state = new RoutingState(redis, prefix);
    await waitFor(
      async () => {
        for (const a of alerts) if (!(await state.isDelivered(sub.id, eventIdFor(a)))) return false;
        return true;
      },
      { timeoutMs: 90_000, description: "every alert delivered after the restart" },
    );
    second.child.kill("SIGTERM");
    expect(await second.exited).toBe(0);
    await rx.close();

    const answered = rx.requests.filter((r) => r.status === 200);
    const ids = new Set(answered.map((r) => String(r.headers["webhook-id"])));
    expect(ids).toEqual(new Set(alerts.map(eventIdFor)));
  });
});

import { SubscriptionStore } from "@entrepot/delivery";
import { createKafka, ensureTopics, JsonProducer } from "@entrepot/kafka";
import { createLogger, Metrics } from "@entrepot/runtime";
import { topicDefinitions, topicName } from "@entrepot/schemas";
import { makeAlert, startReceiver, uniquePrefix, waitFor } from "@entrepot/testkit";
import { generateSecretKey, parseOutboundPolicy, SecretBox } from "@entrepot/webhooks";
import { Redis } from "ioredis";
import { afterAll, describe, expect, inject, it } from "vitest";
import { startNotifier } from "./notifier";

describe("notifier with a subscription record it cannot read (real Kafka, Redis, HTTP)", () => {
  const redis = new Redis(inject("redisUrl"));
  afterAll(() => redis.disconnect());

  it("skips the record, logs and counts it by id, and keeps delivering to every other subscriber", async () => {
    const prefix = uniquePrefix("poison");
    const kafka = createKafka({
      brokers: inject("kafkaBrokers").split(","),
      clientId: "poison-test",
      logger: createLogger({ name: "t", level: "silent" }),
    });
    await ensureTopics(kafka, topicDefinitions(prefix));
    const lines: string[] = [];
    const logger = createLogger({
      name: "notifier-poison-test",
      level: "warn",
      destination: { write: (line: string) => void lines.push(line) },
    });
    const metrics = new Metrics();
    const box = new SecretBox(generateSecretKey());
    const rxA = await startReceiver();
    const rxB = await startReceiver();
    const producer = new JsonProducer(kafka);
    await producer.start();
    const store = new SubscriptionStore(redis, prefix, box);
    const a = await store.add({ url: rxA.url });
    // a CLI run with another ENTREPOT_SECRET_KEY wrote this one
    const poisoned = await new SubscriptionStore(redis, prefix, new SecretBox(generateSecretKey())).add({ url: rxA.url });
    const b = await store.add({ url: rxB.url });
    const handle = await startNotifier({
      kafka,
      redis,
      topicPrefix: prefix,
      logger,
      metrics,
      secretBox: box,
      retryScheduleMs: [0, 100],
      outboundPolicy: parseOutboundPolicy("127.0.0.1/32"),
      inhibitionHoldMs: 0,
    });
    try {
      await waitFor(() => handle.ready(), { description: "notifier ready" });
      const publish = (region: string) =>
        producer.send([{ topic: topicName(prefix, "alerts"), key: region, value: makeAlert({ region, regionName: region }) }]);
      await publish("SG");
      await waitFor(() => rxA.requests.length === 1 && rxB.requests.length === 1, {
        timeoutMs: 30_000,
        description: "both readable subscribers served",
      });
      // the consumer did not crash: a later alert is delivered too
      await publish("TW");
      await waitFor(() => rxA.requests.length === 2 && rxB.requests.length === 2, {
        timeoutMs: 30_000,
        description: "second alert delivered",
      });
      expect(handle.ready()).toBe(true);
      expect(await metrics.value("entrepot_notifier_unreadable_subscriptions_total", { subscription: poisoned.id })).toBeGreaterThanOrEqual(
        2,
      );
      expect(await metrics.value("entrepot_notifier_unreadable_subscriptions_total", { subscription: a.id })).toBe(0);
      const logged = lines.map((l) => JSON.parse(l) as { msg: string; subscriptionId?: string; keyId?: string });
      const about = logged.filter((l) => l.subscriptionId === poisoned.id);
      expect(about).toHaveLength(1); // once per record, not once per batch
      expect(about[0]?.msg).toMatch(/unreadable/);
      expect(about[0]?.keyId).toMatch(/^k[0-9a-f]{8}$/);
      expect(b.id).not.toBe(poisoned.id);
    } finally {
      await handle.close();
      await producer.close();
      await rxA.close();
      await rxB.close();
    }
  });
});

import { SubscriptionStore } from "@entrepot/delivery";
import { createKafka, ensureTopics, JsonProducer } from "@entrepot/kafka";
import { startNotifier } from "@entrepot/notifier";
import { createLogger, Metrics } from "@entrepot/runtime";
import { type Alert, topicDefinitions, topicName } from "@entrepot/schemas";
import { startReceiver, uniquePrefix, waitFor } from "@entrepot/testkit";
import { parseOutboundPolicy } from "@entrepot/webhooks";
import { Redis } from "ioredis";
import { percentile } from "./latencyMeasures";
import type { BenchContext, BenchResult } from "./run";

const ALERTS = Number(process.env.BENCH_DELIVERY_ALERTS ?? 2_000);
const SUBSCRIBERS = Number(process.env.BENCH_DELIVERY_SUBSCRIBERS ?? 4);
const LATENCY_SAMPLES = Number(process.env.BENCH_DELIVERY_LATENCY_SAMPLES ?? 200);

function alert(i: number, tag: string): Alert {
  return {
    schemaVersion: 1,
    alertId: `bench_${tag}|C${i}|SG|FY2025-Q3`,
    rule: "share_shift_yoy",
    status: "fired",
    severity: "warning",
    entity: { company: `C${i}` },
    region: "SG",
    regionName: "Singapore",
    period: "FY2025-Q3",
    baselinePeriod: "FY2023-Q3",
    observed: 0.22,
    baseline: 0.09,
    score: 13,
    threshold: 5,
    summary: `C${i} billed 22.0% of revenue to Singapore in FY2025-Q3, up from 9.0% in FY2023-Q3.`,
    basis: "revenue by customer billing location",
    evidence: [],
    revision: 1,
    detectedAt: new Date().toISOString(),
  };
}

/**
 * Webhook deliveries per second from one notifier process (Kafka alerts -> BullMQ -> signed POST)
 * to a local receiver, and the latency from an alert acknowledged on alerts.v1 to its webhook
 * arriving at the receiver, one alert at a time (p50, p99).
 */
export default async function run(ctx: BenchContext): Promise<BenchResult> {
  const logger = createLogger({ name: "bench-delivery", level: "warn" });
  const prefix = uniquePrefix("benchdeliv");
  const kafka = createKafka({ brokers: ctx.kafkaBrokers.split(","), clientId: "bench-delivery", logger });
  await ensureTopics(kafka, topicDefinitions(prefix));
  const redis = new Redis(ctx.redisUrl);
  const receiver = await startReceiver();
  const producer = new JsonProducer(kafka);
  await producer.start();
  const subs = new SubscriptionStore(redis, prefix);
  for (let s = 0; s < SUBSCRIBERS; s++) await subs.add({ url: `${receiver.url}?s=${s}` });
  const notifier = await startNotifier({
    kafka,
    redis,
    topicPrefix: prefix,
    logger,
    metrics: new Metrics(),
    outboundPolicy: parseOutboundPolicy("127.0.0.1/32"),
    retryScheduleMs: [0, 1000, 5000],
    concurrency: 64,
    perSubscriptionInFlight: 16,
    perSubscriptionPerSecond: 0,
    // the bench measures delivery itself: no inhibition hold for warnings (default 5 s, see docs/delivery.md)
    inhibitionHoldMs: 0,
  });
  const topic = topicName(prefix, "alerts");
  try {
    await waitFor(() => notifier.ready(), { timeoutMs: 60_000, description: "notifier ready" });

    // warm-up: one alert through the whole path (consumer group joined, connections open)
    await producer.send([{ topic, key: "warm", value: alert(-1, "warm") }]);
    await waitFor(() => receiver.requests.length >= SUBSCRIBERS, { timeoutMs: 60_000, description: "warm-up delivered" });
    receiver.requests.length = 0;

    // throughput: ALERTS alerts x SUBSCRIBERS subscriptions
    const t0 = performance.now();
    const batch = Array.from({ length: ALERTS }, (_, i) => alert(i, "tput"));
    for (let i = 0; i < batch.length; i += 500) {
      await producer.send(batch.slice(i, i + 500).map((a) => ({ topic, key: a.alertId, value: a })));
    }
    const expected = ALERTS * SUBSCRIBERS;
    await waitFor(() => receiver.requests.length >= expected, { timeoutMs: 600_000, intervalMs: 20, description: `${expected} webhooks` });
    const seconds = (performance.now() - t0) / 1000;
    const unique = new Set(receiver.requests.map((r) => `${r.path}|${String(r.headers["webhook-id"])}`)).size;

    // latency: one alert at a time, one subscription receiving it
    await subs.update((await subs.list())[0]?.id ?? "", { filters: { companies: ["LAT"] } });
    for (const s of (await subs.list()).slice(1)) await subs.remove(s.id);
    receiver.requests.length = 0;
    const latencies: number[] = [];
    for (let i = 0; i < LATENCY_SAMPLES; i++) {
      const a = { ...alert(i, "lat"), entity: { company: "LAT" }, alertId: `bench_lat|${i}` };
      await producer.send([{ topic, key: a.alertId, value: a }]);
      const acked = Date.now();
      await waitFor(() => receiver.requests.length > i, { timeoutMs: 30_000, intervalMs: 1, description: `latency sample ${i}` });
      latencies.push((receiver.requests[i]?.receivedAt ?? Number.NaN) - acked);
    }
    latencies.sort((x, y) => x - y);
    return {
      name: "webhook delivery",
      figures: {
        "deliveries/s": Math.round(expected / seconds),
        deliveries: expected,
        "unique (subscription, webhook-id)": unique,
        "alert on Kafka -> webhook received p50 (ms)": percentile(latencies, 50),
        "alert on Kafka -> webhook received p99 (ms)": percentile(latencies, 99),
        "latency samples": latencies.length,
      },
      notes: `one notifier process (BullMQ concurrency 64, 16 in flight per subscription, no rate limit), ${SUBSCRIBERS} subscriptions to one local receiver, ${ALERTS} alerts; latency measured from the producer's acknowledgement to the receiver's arrival time, one alert at a time (includes the consumer's fetch wait).`,
    };
  } finally {
    await notifier.close();
    await producer.close();
    await receiver.close();
    redis.disconnect();
  }
}

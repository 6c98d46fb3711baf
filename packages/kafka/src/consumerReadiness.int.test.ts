import { createLogger, METRIC, Metrics } from "@entrepot/runtime";
import { uniquePrefix, waitFor } from "@entrepot/testkit";
import { afterAll, describe, expect, inject, it } from "vitest";
import { createKafka, ensureTopics } from "./client";
import { availableKafkaClients } from "./clientChoice";
import { ConsumerRunner, type ConsumerState, type IncomingMessage } from "./consumer";
import { JsonProducer } from "./producer";

const logger = createLogger({ name: "consumer-readiness-int", level: "silent" });

// every client that can run here (confluent where its native package is installed), on the same tests
describe.each(availableKafkaClients())("ConsumerRunner readiness and metrics on a real broker (%s)", (client) => {
  const kafka = createKafka({ brokers: inject("kafkaBrokers").split(","), clientId: "consumer-readiness-int", logger, client });
  const producer = new JsonProducer(kafka);
  const runners: ConsumerRunner[] = [];
  afterAll(async () => {
    await Promise.all(runners.map((r) => r.close()));
    await producer.close();
  });

  function runner(options: {
    groupId: string;
    topic: string;
    handleBatch?: (m: IncomingMessage[]) => Promise<void>;
    metrics?: Metrics;
    onStateChange?: (state: ConsumerState) => void;
  }) {
    const r = new ConsumerRunner({
      kafka,
      groupId: options.groupId,
      topics: [options.topic],
      logger,
      handleBatch: options.handleBatch ?? (async () => undefined),
      ...(options.metrics ? { metrics: { metrics: options.metrics, stage: "test" } } : {}),
      ...(options.onStateChange ? { onStateChange: options.onStateChange } : {}),
    });
    runners.push(r);
    return r;
  }

  it("is ready only between joining its group and being stopped; reports batch durations and its partitions' lag", async () => {
    const p = uniquePrefix("ready");
    const topic = `${p}in`;
    await ensureTopics(kafka, [{ name: topic, partitions: 2, cleanupPolicy: "delete" }]);
    await producer.start();
    await producer.send([1, 2, 3, 4].map((n) => ({ topic, key: `k${n}`, value: { n } })));
    const metrics = new Metrics();
    let handled = 0;
    const r = runner({
      groupId: `${p}group`,
      topic,
      metrics,
      handleBatch: async (m) => {
        handled += m.length;
      },
    });
    expect(r.ready()).toBe(false);
    const starting = r.start();
    expect(r.state()).toBe("starting");
    expect(r.ready()).toBe(false);
    await starting;
    await waitFor(() => r.ready(), { timeoutMs: 30_000, description: "joined" });
    await waitFor(() => handled === 4, { timeoutMs: 30_000, description: "four messages handled" });
    // the batch is measured and the lag read once its offsets are committed, just after the handler returned
    const lagZero = (text: string) =>
      ["0", "1"].every((partition) =>
        text.includes(`${METRIC.consumerLag}{group="${p}group",topic="${topic}",partition="${partition}"} 0`),
      );
    const text = await waitFor(
      async () => {
        const t = await metrics.render();
        return lagZero(t) && /entrepot_batch_duration_seconds_count\{stage="test"\} [1-9]/.test(t) ? t : undefined;
      },
      { timeoutMs: 10_000, description: "a batch duration and lag 0 on both partitions" },
    );
    expect(text).toMatch(/entrepot_batch_duration_seconds_count\{stage="test"\} [1-9]/);
    // both partitions consumed to the end: lag 0 on each
    expect(lagZero(text)).toBe(true);
    const closing = r.close();
    expect(r.ready()).toBe(false);
    await closing;
    expect(r.state()).toBe("stopped");
  });

  it("is not ready while its group rebalances, and ready again once the group settled", async () => {
    const p = uniquePrefix("rebalance");
    const topic = `${p}in`;
    const groupId = `${p}group`;
    await ensureTopics(kafka, [{ name: topic, partitions: 2, cleanupPolicy: "delete" }]);
    await producer.start();

    // each change of state with what ready() answered at that moment
    const watchedStates: { state: ConsumerState; ready: boolean }[] = [];
    const watched: ConsumerRunner = runner({
      groupId,
      topic,
      onStateChange: (state) => watchedStates.push({ state, ready: watched.ready() }),
    });
    await watched.start();
    await waitFor(() => watched.ready(), { timeoutMs: 30_000, description: "the first member joined" });

    // a second member that holds its first batch: while it does, it cannot rejoin, so the next rebalance waits for it
    let release: () => void = () => undefined;
    const held = new Promise<void>((r) => {
      release = r;
    });
    let holding = false;
    const slow = runner({
      groupId,
      topic,
      handleBatch: async () => {
        holding = true;
        await held;
      },
    });
    await slow.start();
    await waitFor(() => watched.ready() && slow.ready(), { timeoutMs: 60_000, description: "two members settled" });
    await producer.send([0, 1, 2, 3, 4, 5].map((n) => ({ topic, key: `k${n}`, value: { n } })));
    await waitFor(() => holding, { timeoutMs: 30_000, description: "the second member holding a batch" });

    // a third member joins: the first is told to rejoin (on kafkajs it waits in the join for the held member;
    // @platformatic/kafka rejoins while a batch runs, so its rebalance may last milliseconds: states are recorded)
    const third = runner({ groupId, topic });
    const before = watchedStates.length;
    const thirdJoined = third.start();
    const rebalancing = await waitFor(() => watchedStates.slice(before).find((s) => s.state === "rebalancing"), {
      timeoutMs: 30_000,
      description: "the first member rebalancing",
    });
    expect(rebalancing.ready).toBe(false);

    release();
    await thirdJoined;
    await waitFor(() => watched.ready(), { timeoutMs: 60_000, description: "the first member ready again after the rebalance" });
  });
});

// kafkajs's own behaviour: a consumer whose batch keeps failing crashes with `restart`, and kafkajs
// stops it (STOP) and starts it again; @platformatic/kafka has no such restart (the runner reports
// the crash and the service exits for its supervisor), so this is a kafkajs-only case
describe("ConsumerRunner on kafkajs after a crash kafkajs restarts", () => {
  const kafka = createKafka({ brokers: inject("kafkaBrokers").split(","), clientId: "consumer-restart-int", logger, client: "kafkajs" });
  const producer = new JsonProducer(kafka);
  const runners: ConsumerRunner[] = [];
  afterAll(async () => {
    await Promise.all(runners.map((r) => r.close()));
    await producer.close();
  });

  it("is ready again once kafkajs has restarted it after a crash (its STOP before the restart is not a close)", async () => {
    const p = uniquePrefix("crash");
    const topic = `${p}in`;
    await ensureTopics(kafka, [{ name: topic, partitions: 1, cleanupPolicy: "delete" }]);
    await producer.start();
    await producer.send([{ topic, key: "k", value: { n: 1 } }]);
    // a batch that keeps failing: kafkajs fetches it again 5 times (a consumer's retries), then the
    // consumer crashes and, the error being retriable, kafkajs stops and restarts it
    const logged: { msg?: string; restart?: boolean }[] = [];
    const capture = createLogger({
      name: "consumer-crash-int",
      level: "error",
      destination: { write: (line: string) => logged.push(JSON.parse(line) as { msg?: string; restart?: boolean }) },
    });
    let failures = 6;
    let handled = 0;
    const crashed: Error[] = [];
    const r = new ConsumerRunner({
      kafka,
      groupId: `${p}group`,
      topics: [topic],
      logger: capture,
      onCrash: (err) => crashed.push(err),
      handleBatch: async (m) => {
        if (failures-- > 0) throw new Error("the store is away for a moment");
        handled += m.length;
      },
    });
    runners.push(r);
    await r.start();
    await waitFor(() => handled === 1, { timeoutMs: 60_000, description: "the batch handled after the restart" });
    expect(logged.filter((l) => l.msg === "consumer crashed").map((l) => l.restart)).toEqual([true]);
    await waitFor(() => r.ready(), { timeoutMs: 30_000, description: "ready again after the restart" });
    // restarted, so never reported as a crash the process must exit for
    expect(crashed).toEqual([]);
  });
});

import type { Consumer } from "kafkajs";
import { type ConsumerHooks, type ConsumerRunnerOptions, type IncomingMessage, SESSION_TIMEOUT_MS } from "./consumer";

/** bytes one fetch may return, in all and per partition (bounds the memory of a consumer catching up) */
export const FETCH_MAX_BYTES = 4 * 2 ** 20;
export const FETCH_MAX_BYTES_PER_PARTITION = 2 ** 20;

/** A client's consumer behind ConsumerRunner. */
export interface ConsumerBackend {
  start(): Promise<void>;
  /** stops fetching, lets the batch in flight finish and commit, leaves the group */
  close(): Promise<void>;
}

/** A kafkajs message's headers as text (a header given several times: its first value). */
export function headersToStrings(headers: Record<string, unknown> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers ?? {})) {
    if (v === undefined) continue;
    out[k] = Array.isArray(v) ? String(v[0]) : Buffer.isBuffer(v) ? v.toString("utf8") : String(v);
  }
  return out;
}

/** ConsumerRunner on kafkajs: `eachBatch` per partition, offsets resolved after the handler, kafkajs's retries and restarts. */
export function kafkajsConsumer(options: ConsumerRunnerOptions, hooks: ConsumerHooks): ConsumerBackend {
  const consumer: Consumer = options.kafka.kafkajs().consumer({
    groupId: options.groupId,
    allowAutoTopicCreation: false,
    sessionTimeout: SESSION_TIMEOUT_MS,
    rebalanceTimeout: 30_000,
    heartbeatInterval: 3_000,
    maxBytes: FETCH_MAX_BYTES,
    maxBytesPerPartition: FETCH_MAX_BYTES_PER_PARTITION,
  });
  const { events } = consumer;
  consumer.on(events.CRASH, (event) => hooks.crashed(event.payload.error, event.payload.restart));
  consumer.on(events.GROUP_JOIN, (event) => {
    hooks.move("consuming");
    hooks.assigned(event.payload.memberAssignment);
  });
  consumer.on(events.REBALANCING, () => hooks.move("rebalancing"));
  consumer.on(events.STOP, () => hooks.move("stopped"));
  consumer.on(events.FETCH, hooks.contact);
  consumer.on(events.HEARTBEAT, hooks.contact);
  let connected = false;
  return {
    start: async () => {
      await consumer.connect();
      connected = true;
      await consumer.subscribe({ topics: [...options.topics], fromBeginning: options.fromBeginning ?? true });
      await consumer.run({
        autoCommit: true,
        eachBatchAutoResolve: false,
        eachBatch: async ({ batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, isRunning, isStale }) => {
          if (!isRunning() || isStale()) return;
          const started = process.hrtime.bigint();
          const messages: IncomingMessage[] = batch.messages.map((m) => ({
            topic: batch.topic,
            partition: batch.partition,
            offset: m.offset,
            key: m.key ? m.key.toString("utf8") : null,
            value: m.value ? m.value.toString("utf8") : null,
            headers: headersToStrings(m.headers),
            timestamp: m.timestamp,
          }));
          // before the batch: the messages from its first offset to the high watermark
          hooks.lag(batch.topic, batch.partition, Number(batch.offsetLagLow()));
          await hooks.handle(messages);
          const last = messages.at(-1);
          if (last) resolveOffset(last.offset);
          await commitOffsetsIfNecessary();
          // after it: those past its last
          hooks.lag(batch.topic, batch.partition, Number(batch.offsetLag()));
          hooks.batchDone(Number(process.hrtime.bigint() - started) / 1e9);
          await heartbeat();
        },
      });
    },
    close: () => (connected ? consumer.disconnect() : Promise.resolve()),
  };
}

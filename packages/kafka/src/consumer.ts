import type { Logger, Metrics } from "@entrepot/runtime";
import type { Batch, Consumer } from "kafkajs";
import type { Kafka } from "./client";

export interface IncomingMessage {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  /** raw bytes as text (JSON expected, but decoding is the handler's job so bad bytes can be dead-lettered) */
  value: string | null;
  headers: Record<string, string>;
  timestamp: string;
}

export interface ConsumerRunnerOptions {
  kafka: Kafka;
  groupId: string;
  topics: readonly string[];
  fromBeginning?: boolean;
  logger: Logger;
  /**
   * Handles one batch of one partition. It must finish every output (and wait for its
   * acknowledgement) before returning: offsets are committed only after it returns.
   * Throwing means an infrastructure failure: the batch is retried, and when retries are
   * exhausted the runner reports a crash (the process should exit non-zero).
   */
  handleBatch: (messages: IncomingMessage[]) => Promise<void>;
  /** called when kafkajs gives up (non-retriable or retries exhausted) */
  onCrash?: (err: Error) => void;
  /** batch durations (by `stage`) and per-partition lag go to these metrics */
  metrics?: { metrics: Metrics; stage: string };
}

/** Where a consumer is: only `consuming` (joined, not stopped, in touch with the broker) is ready. */
export type ConsumerState = "idle" | "starting" | "consuming" | "rebalancing" | "crashed" | "stopped";

/** without a fetch, heartbeat or batch for this long the broker counts the member dead too (the session timeout) */
const SESSION_TIMEOUT_MS = 30_000;

function headersToStrings(headers: Record<string, unknown> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers ?? {})) {
    if (v === undefined) continue;
    out[k] = Array.isArray(v) ? String(v[0]) : Buffer.isBuffer(v) ? v.toString("utf8") : String(v);
  }
  return out;
}

/**
 * Consumer group member with commit-after-output discipline and graceful stop. Ready while it is
 * a member of its group and consuming: not before the first join, during a rebalance, after a
 * crash (until kafkajs restarts it and it rejoins), once stopped, or when nothing was heard from
 * the broker (fetch, heartbeat) for a session timeout.
 */
export class ConsumerRunner {
  private readonly consumer: Consumer;
  private started = false;
  private current: ConsumerState = "idle";
  private lastContact = 0;
  private closing: Promise<void> | undefined;
  private processed = 0;
  /** partitions whose lag gauge this member set, by topic */
  private readonly lagged = new Map<string, Set<number>>();

  constructor(private readonly options: ConsumerRunnerOptions) {
    this.consumer = options.kafka.kafkajs().consumer({
      groupId: options.groupId,
      allowAutoTopicCreation: false,
      sessionTimeout: SESSION_TIMEOUT_MS,
      rebalanceTimeout: 30_000,
      heartbeatInterval: 3_000,
    });
    const { events } = this.consumer;
    const move = (state: ConsumerState) => {
      if (this.current === "stopped") return;
      this.current = state;
      this.lastContact = Date.now();
    };
    this.consumer.on(events.CRASH, (event) => {
      const { error, restart } = event.payload;
      options.logger.error({ err: error, restart, groupId: options.groupId }, "consumer crashed");
      move("crashed");
      if (!restart) options.onCrash?.(error);
    });
    this.consumer.on(events.GROUP_JOIN, (event) => {
      move("consuming");
      this.forgetLag(event.payload.memberAssignment);
    });
    this.consumer.on(events.REBALANCING, () => move("rebalancing"));
    this.consumer.on(events.STOP, () => move("stopped"));
    const contact = () => {
      this.lastContact = Date.now();
    };
    this.consumer.on(events.FETCH, contact);
    this.consumer.on(events.HEARTBEAT, contact);
  }

  /** true while the consumer is a member of its group, consuming, and in touch with the broker */
  ready(): boolean {
    return this.state() === "consuming";
  }

  /** where the consumer is (a silent broker for a session timeout makes `consuming` read `stale`) */
  state(): ConsumerState | "stale" {
    if (this.current === "consuming" && Date.now() - this.lastContact > SESSION_TIMEOUT_MS) return "stale";
    return this.current;
  }

  get messagesProcessed(): number {
    return this.processed;
  }

  async start(): Promise<void> {
    this.current = "starting";
    await this.consumer.connect();
    this.started = true;
    await this.consumer.subscribe({ topics: [...this.options.topics], fromBeginning: this.options.fromBeginning ?? true });
    await this.consumer.run({
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
        this.recordLag(batch, batch.offsetLagLow());
        await this.options.handleBatch(messages);
        const last = messages.at(-1);
        if (last) resolveOffset(last.offset);
        this.processed += messages.length;
        await commitOffsetsIfNecessary();
        this.lastContact = Date.now();
        this.recordLag(batch, batch.offsetLag());
        this.options.metrics?.metrics.batchDuration.observe(
          { stage: this.options.metrics.stage },
          Number(process.hrtime.bigint() - started) / 1e9,
        );
        await heartbeat();
      },
    });
  }

  /**
   * Lag of one partition from this consumer's own position: before a batch, the messages from its
   * first offset to the high watermark (`offsetLagLow`); after it, those past its last (`offsetLag`).
   */
  private recordLag(batch: Batch, lag: string): void {
    const gauge = this.options.metrics?.metrics.consumerLag;
    if (!gauge) return;
    gauge.set({ group: this.options.groupId, topic: batch.topic, partition: String(batch.partition) }, Math.max(0, Number(lag)));
    const partitions = this.lagged.get(batch.topic) ?? new Set<number>();
    partitions.add(batch.partition);
    this.lagged.set(batch.topic, partitions);
  }

  /** After a rebalance: partitions no longer assigned to this member are another member's lag. */
  private forgetLag(assignment: Record<string, number[]>): void {
    const gauge = this.options.metrics?.metrics.consumerLag;
    for (const [topic, partitions] of this.lagged) {
      const kept = new Set(assignment[topic] ?? []);
      for (const p of partitions) {
        if (kept.has(p)) continue;
        gauge?.remove({ group: this.options.groupId, topic, partition: String(p) });
        partitions.delete(p);
      }
    }
  }

  /** Stops fetching, lets the batch in flight finish and commit, leaves the group. Idempotent; not ready from the first call. */
  close(): Promise<void> {
    this.current = "stopped";
    this.closing ??= this.started ? this.consumer.disconnect() : Promise.resolve();
    return this.closing;
  }
}

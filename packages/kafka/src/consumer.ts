import type { Logger } from "@entrepot/runtime";
import type { Consumer, Kafka } from "kafkajs";

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
}

function headersToStrings(headers: Record<string, unknown> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers ?? {})) {
    if (v === undefined) continue;
    out[k] = Array.isArray(v) ? String(v[0]) : Buffer.isBuffer(v) ? v.toString("utf8") : String(v);
  }
  return out;
}

/** Consumer group member with commit-after-output discipline and graceful stop. */
export class ConsumerRunner {
  private readonly consumer: Consumer;
  private started = false;
  private readyFlag = false;
  private closing: Promise<void> | undefined;
  private processed = 0;

  constructor(private readonly options: ConsumerRunnerOptions) {
    this.consumer = options.kafka.consumer({
      groupId: options.groupId,
      allowAutoTopicCreation: false,
      sessionTimeout: 30_000,
      rebalanceTimeout: 30_000,
      heartbeatInterval: 3_000,
    });
    this.consumer.on(this.consumer.events.CRASH, (event) => {
      const { error, restart } = event.payload;
      options.logger.error({ err: error, restart, groupId: options.groupId }, "consumer crashed");
      if (!restart) options.onCrash?.(error);
    });
    this.consumer.on(this.consumer.events.GROUP_JOIN, () => {
      this.readyFlag = true;
    });
  }

  /** true once the consumer joined its group */
  ready(): boolean {
    return this.readyFlag;
  }

  get messagesProcessed(): number {
    return this.processed;
  }

  async start(): Promise<void> {
    await this.consumer.connect();
    this.started = true;
    await this.consumer.subscribe({ topics: [...this.options.topics], fromBeginning: this.options.fromBeginning ?? true });
    await this.consumer.run({
      autoCommit: true,
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, isRunning, isStale }) => {
        if (!isRunning() || isStale()) return;
        const messages: IncomingMessage[] = batch.messages.map((m) => ({
          topic: batch.topic,
          partition: batch.partition,
          offset: m.offset,
          key: m.key ? m.key.toString("utf8") : null,
          value: m.value ? m.value.toString("utf8") : null,
          headers: headersToStrings(m.headers),
          timestamp: m.timestamp,
        }));
        await this.options.handleBatch(messages);
        const last = messages.at(-1);
        if (last) resolveOffset(last.offset);
        this.processed += messages.length;
        await commitOffsetsIfNecessary();
        await heartbeat();
      },
    });
  }

  /** Stops fetching, lets the batch in flight finish and commit, leaves the group. Idempotent. */
  close(): Promise<void> {
    this.closing ??= this.started ? this.consumer.disconnect() : Promise.resolve();
    return this.closing;
  }
}

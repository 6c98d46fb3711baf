import type { Logger, Metrics } from "@entrepot/runtime";
import type { Kafka } from "./client";
import { confluentConsumer } from "./consumerConfluent";
import { type ConsumerBackend, kafkajsConsumer } from "./consumerKafkajs";
import { platformaticConsumer } from "./consumerPlatformatic";

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
   * Handles one batch: messages of one partition (kafkajs) or of several (platformatic, confluent:
   * what the client had fetched), each partition's in offset order. It must finish every output (and wait for its
   * acknowledgement) before returning: offsets are committed only after it returns.
   * Throwing means an infrastructure failure: the batch is retried, and when retries are
   * exhausted the runner reports a crash (the process should exit non-zero).
   */
  handleBatch: (messages: IncomingMessage[]) => Promise<void>;
  /** called when the client gives up (non-retriable or retries exhausted) */
  onCrash?: (err: Error) => void;
  /** batch durations (by `stage`) and per-partition lag go to these metrics */
  metrics?: { metrics: Metrics; stage: string };
  /** told of every change of state (a rebalance may last only milliseconds on a client that rejoins while a batch runs) */
  onStateChange?: (state: ConsumerState) => void;
}

/** Where a consumer is: only `consuming` (joined, not stopped, in touch with the broker) is ready. */
export type ConsumerState = "idle" | "starting" | "consuming" | "rebalancing" | "crashed" | "stopped";

/**
 * without a fetch, heartbeat or batch for this long the broker counts the member dead too (the
 * session timeout): a member killed -9 holds its partitions this long (heartbeats every 3 s)
 */
export const SESSION_TIMEOUT_MS = 10_000;

const BACKENDS: Record<Kafka["client"], (options: ConsumerRunnerOptions, hooks: ConsumerHooks) => ConsumerBackend> = {
  kafkajs: kafkajsConsumer,
  platformatic: platformaticConsumer,
  confluent: confluentConsumer,
};

/** What a client's consumer reports to its runner. */
export interface ConsumerHooks {
  move(state: ConsumerState): void;
  /** a fetch, heartbeat or batch: the broker is there */
  contact(): void;
  /** the partitions assigned to this member after a (re)join */
  assigned(assignment: Record<string, number[]>): void;
  /** the client gave up; `restart`: it rejoins by itself */
  crashed(err: Error, restart: boolean): void;
  /** one batch through the handler (then counted); throws what the handler threw */
  handle(messages: IncomingMessage[]): Promise<void>;
  /** a partition's lag (messages past its last handled offset up to the high watermark) */
  lag(topic: string, partition: number, lag: number): void;
  /** a batch's handling and commit took this long */
  batchDone(seconds: number): void;
}

/**
 * Consumer group member with commit-after-output discipline and graceful stop, on the client its
 * Kafka handle names. Ready while it is a member of its group and consuming: not before the first
 * join, during a rebalance, after a crash (until the client restarts it and it rejoins), once
 * stopped, or when nothing was heard from the broker (fetch, heartbeat) for a session timeout.
 */
export class ConsumerRunner {
  private readonly backend: ConsumerBackend;
  private started = false;
  private current: ConsumerState = "idle";
  private lastContact = 0;
  private closing: Promise<void> | undefined;
  private processed = 0;
  private newestTimestamp = Number.NEGATIVE_INFINITY;
  /** partitions whose lag gauge this member set, by topic */
  private readonly lagged = new Map<string, Set<number>>();
  /** messages waiting behind each partition's position (`topic:partition`), for `caughtUp` */
  private readonly behind = new Map<string, number>();

  constructor(private readonly options: ConsumerRunnerOptions) {
    const hooks: ConsumerHooks = {
      move: (state) => {
        if (this.current === "stopped") return;
        // kafkajs also stops (and says so) before it restarts a crashed consumer: only close() stops
        // this runner for good, else a consumer that recovered from a crash would never be ready again
        if (state === "stopped" && this.closing === undefined) return;
        this.lastContact = Date.now();
        this.setState(state);
      },
      contact: () => {
        this.lastContact = Date.now();
      },
      assigned: (assignment) => {
        this.behind.clear(); // a new assignment: what was behind is another member's now
        this.forgetLag(assignment);
      },
      crashed: (err, restart) => {
        options.logger.error({ err, restart, groupId: options.groupId }, "consumer crashed");
        hooks.move("crashed");
        if (!restart) options.onCrash?.(err);
      },
      handle: async (messages) => {
        await options.handleBatch(messages);
        this.processed += messages.length;
        for (const m of messages) {
          const t = Number(m.timestamp);
          if (t > this.newestTimestamp) this.newestTimestamp = t;
        }
      },
      lag: (topic, partition, lag) => {
        this.behind.set(`${topic}:${partition}`, Math.max(0, lag));
        this.recordLag(topic, partition, lag);
      },
      batchDone: (seconds) => {
        this.lastContact = Date.now();
        this.options.metrics?.metrics.batchDuration.observe({ stage: this.options.metrics.stage }, seconds);
      },
    };
    this.backend = BACKENDS[options.kafka.client](options, hooks);
  }

  /**
   * True when every partition this member has had a batch from was read to its high watermark:
   * nothing more was waiting when its last batch was handled. A stage that acts on what it has
   * accumulated (the detector's evaluations) waits for this, so a backlog is judged once, whole.
   */
  caughtUp(): boolean {
    for (const n of this.behind.values()) if (n > 0) return false;
    return true;
  }

  /**
   * How long ago (ms) the newest message this member handled was produced (its timestamp; Infinity
   * before the first). A consumer behind a steady stream handles messages seconds old; one working
   * through a backlog (a restart, a backfill) handles old ones.
   */
  inputAgeMs(now = Date.now()): number {
    return now - this.newestTimestamp;
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

  private setState(state: ConsumerState): void {
    if (this.current === state) return;
    this.current = state;
    this.options.onStateChange?.(state);
  }

  async start(): Promise<void> {
    this.setState("starting");
    this.started = true;
    await this.backend.start();
  }

  private recordLag(topic: string, partition: number, lag: number): void {
    const gauge = this.options.metrics?.metrics.consumerLag;
    if (!gauge) return;
    gauge.set({ group: this.options.groupId, topic, partition: String(partition) }, Math.max(0, lag));
    const partitions = this.lagged.get(topic) ?? new Set<number>();
    partitions.add(partition);
    this.lagged.set(topic, partitions);
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
    this.setState("stopped");
    this.closing ??= this.started ? this.backend.close() : Promise.resolve();
    return this.closing;
  }
}

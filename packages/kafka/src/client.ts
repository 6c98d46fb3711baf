import type { Logger } from "@entrepot/runtime";
import { type Admin, type ITopicConfig, Kafka as KafkaJs, logLevel as KafkaLogLevel, type LogEntry } from "kafkajs";
import { type KafkaClientName, type KafkaCompression, kafkaClientName, kafkaCompression } from "./clientChoice";

export interface KafkaClientOptions {
  brokers: readonly string[];
  clientId: string;
  logger: Logger;
  /** connection timeout in ms (default 5000) */
  connectionTimeout?: number;
  /** the client library (default: `ENTREPOT_KAFKA_CLIENT`, else DEFAULT_KAFKA_CLIENT) */
  client?: KafkaClientName;
  /** compression of produced batches (default: `ENTREPOT_KAFKA_COMPRESSION`, else none); one the client has (COMPRESSIONS_OF) */
  compression?: KafkaCompression;
  /** retry policy (default: COMMAND_RETRY, for commands; services take `SERVICE_RETRY`) */
  retry?: RetryPolicy;
}

/** kafkajs's retry settings; the other clients take what they have of them */
export interface RetryPolicy {
  retries: number;
  initialRetryTime?: number;
  maxRetryTime?: number;
  factor?: number;
  multiplier?: number;
}

/** the retry policy of one-off commands: 8 retries from 200 ms (about 50 s in all) */
export const COMMAND_RETRY = { retries: 8, initialRetryTime: 200 } as const;

/**
 * How long a policy keeps retrying in all (its waits without jitter, with kafkajs's defaults for
 * what it leaves out): librdkafka has no retry count, only a time a message may take to be
 * acknowledged (`message.timeout.ms`), so the confluent producer gives up after as long as the others.
 */
export function retryBudgetMs(retry: RetryPolicy): number {
  const { retries, initialRetryTime = 300, maxRetryTime = 30_000, multiplier = 2 } = retry;
  let total = 0;
  for (let i = 0; i < retries; i++) total += Math.min(maxRetryTime, initialRetryTime * multiplier ** i);
  return total;
}

/** platformatic's fixed wait between retries: the client is back within a second of the broker */
export const PLATFORMATIC_RETRY_DELAY_MS = 1000;

/**
 * A retry policy for @platformatic/kafka, which waits a fixed delay between a count of retries: as
 * many seconds as the policy's exponential waits add up to, so it rides out what kafkajs rides out
 * (SERVICE_RETRY: about 5 minutes; taken as 34 retries of 300 ms it gave up after 10 s, shorter
 * than a broker restart, and a detector exited in the fault suite).
 */
export function platformaticRetry(retry: RetryPolicy): { retries: number; retryDelay: number } {
  return { retries: Math.ceil(retryBudgetMs(retry) / PLATFORMATIC_RETRY_DELAY_MS), retryDelay: PLATFORMATIC_RETRY_DELAY_MS };
}

/**
 * The retry policy of long-running services and of an ingest run: a broker restart (tens of
 * seconds on a loaded machine) is ridden out, a broker away for about 5 minutes is an error. Waits
 * of 0.3, 0.6, 1.2 ... s, capped at 10 s (so the client is back within 10 s of the broker),
 * 34 retries: about 5 minutes. Every field is given: kafkajs takes other defaults (a 1 s cap)
 * when NODE_ENV is `test`, and a service must behave the same under test.
 */
export const SERVICE_RETRY = { retries: 34, initialRetryTime: 300, maxRetryTime: 10_000, factor: 0.2, multiplier: 2 } as const;

/**
 * The pino level for a kafkajs log entry. Our retries are bounded on purpose (a dead broker must
 * surface as an error, not a hang); kafkajs warns about that on every idempotent producer, which is
 * noise, not news. A broker's error answer to one request ("Response JoinGroup ...: The coordinator
 * is loading") and kafkajs's retrier ("retryCount") are logged before kafkajs retries: whether it is
 * an error is for the caller to say, which gets the exception if the retries run out.
 */
export function kafkaLogLevel(level: number, message: string, fields: Record<string, unknown>): "error" | "warn" | "debug" {
  if (message.startsWith("Limiting retries for the idempotent producer")) return "debug";
  if (level <= KafkaLogLevel.ERROR) return message.startsWith("Response ") || "retryCount" in fields ? "warn" : "error";
  return level === KafkaLogLevel.WARN ? "warn" : "debug";
}

/**
 * A connection recipe for one Kafka cluster and the client library to use: JsonProducer and
 * ConsumerRunner run on `client` (confluent's module is loaded only when chosen); topic administration and `readTopicToEnd` run on kafkajs for
 * every client. Nothing connects until a producer, consumer or admin call does.
 */
export class Kafka {
  readonly client: KafkaClientName;
  readonly compression: KafkaCompression;
  private kafkajsClient: KafkaJs | undefined;

  constructor(readonly options: KafkaClientOptions) {
    this.client = options.client ?? kafkaClientName(process.env);
    this.compression = kafkaCompression(
      options.compression === undefined ? process.env : { ENTREPOT_KAFKA_COMPRESSION: options.compression },
      this.client,
    );
  }

  get logger(): Logger {
    return this.options.logger;
  }

  /** The kafkajs client (created on first use). */
  kafkajs(): KafkaJs {
    this.kafkajsClient ??= createKafkaJs(this.options);
    return this.kafkajsClient;
  }

  /** kafkajs's admin client, for what the helpers of this package do not cover (tests, benchmarks). */
  admin(): Admin {
    return this.kafkajs().admin();
  }

  /** the librdkafka settings every @confluentinc/kafka-javascript client of this handle starts from */
  confluentOptions(): { "bootstrap.servers": string; "client.id": string; "socket.connection.setup.timeout.ms": number } {
    return {
      "bootstrap.servers": this.options.brokers.join(","),
      "client.id": this.options.clientId,
      "socket.connection.setup.timeout.ms": this.options.connectionTimeout ?? 5000,
    };
  }

  /** the options every @platformatic/kafka client of this handle starts from */
  platformaticOptions(): { clientId: string; bootstrapBrokers: string[]; connectTimeout: number; retries: number; retryDelay: number } {
    return {
      clientId: this.options.clientId,
      bootstrapBrokers: [...this.options.brokers],
      connectTimeout: this.options.connectionTimeout ?? 5000,
      ...platformaticRetry(this.options.retry ?? COMMAND_RETRY),
    };
  }
}

/** The only place that constructs Kafka clients; everything else goes through this package. */
export function createKafka(options: KafkaClientOptions): Kafka {
  return new Kafka(options);
}

function createKafkaJs(options: KafkaClientOptions): KafkaJs {
  const log = options.logger.child({ component: "kafkajs" });
  return new KafkaJs({
    clientId: options.clientId,
    brokers: [...options.brokers],
    connectionTimeout: options.connectionTimeout ?? 5000,
    logLevel: KafkaLogLevel.WARN,
    logCreator:
      () =>
      ({ level, log: entry }: LogEntry) => {
        const { message, ...rest } = entry;
        log[kafkaLogLevel(level, message, rest)](rest, message);
      },
    retry: options.retry ?? { ...COMMAND_RETRY },
  });
}

/** Deletes topics (missing ones are ignored), e.g. after a benchmark. */
export async function deleteTopics(kafka: Kafka, names: readonly string[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const topics = names.filter((n) => existing.has(n));
    if (topics.length > 0) await admin.deleteTopics({ topics });
  } finally {
    await admin.disconnect();
  }
}

export interface TopicDefinition {
  name: string;
  partitions: number;
  cleanupPolicy: "delete" | "compact";
  retentionMs?: number;
}

/**
 * Creates missing topics (idempotent) and returns once every partition of every requested topic
 * has a leader, so producers can write at once. Returns the names that were created.
 */
export async function ensureTopics(kafka: Kafka, topics: readonly TopicDefinition[], timeoutMs = 60_000): Promise<string[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((t) => !existing.has(t.name));
    if (missing.length === 0) {
      await waitForLeaders(
        admin,
        topics.map((t) => t.name),
        timeoutMs,
      );
      return [];
    }
    const configs: ITopicConfig[] = missing.map((t) => ({
      topic: t.name,
      numPartitions: t.partitions,
      replicationFactor: 1,
      configEntries: [
        { name: "cleanup.policy", value: t.cleanupPolicy },
        ...(t.retentionMs !== undefined ? [{ name: "retention.ms", value: String(t.retentionMs) }] : []),
      ],
    }));
    // kafkajs's own waitForLeaders gives up on UNKNOWN_TOPIC_OR_PARTITION, which a KRaft broker
    // answers until the new topic reaches its metadata cache (seen on a loaded machine); wait here.
    await admin.createTopics({ topics: configs, waitForLeaders: false });
    await waitForLeaders(
      admin,
      topics.map((t) => t.name),
      timeoutMs,
    );
    return missing.map((t) => t.name);
  } finally {
    await admin.disconnect();
  }
}

/** Errors a broker answers while a just-created topic propagates; anything else is real. */
const PROPAGATING = new Set(["UNKNOWN_TOPIC_OR_PARTITION", "LEADER_NOT_AVAILABLE"]);

async function waitForLeaders(admin: Admin, names: readonly string[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let pending: string;
    try {
      const { topics } = await admin.fetchTopicMetadata({ topics: [...names] });
      const notReady = topics.find((t) => t.partitions.length === 0 || t.partitions.some((p) => p.leader < 0));
      if (!notReady) return;
      pending = `${notReady.name} has a partition without a leader`;
    } catch (err) {
      // kafkajs may wrap the broker's answer after its own retries
      const e = err as { type?: string; originalError?: { type?: string } };
      const type = e.type ?? e.originalError?.type;
      if (!type || !PROPAGATING.has(type)) throw err;
      pending = type;
    }
    if (Date.now() > deadline) throw new Error(`topics not ready after ${timeoutMs} ms: ${pending}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Sum of end offsets minus committed offsets of a group over the given topics. */
export async function consumerLag(kafka: Kafka, groupId: string, topics: readonly string[]): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    let lag = 0;
    const committed = await admin.fetchOffsets({ groupId, topics: [...topics] });
    for (const t of committed) {
      const ends = await admin.fetchTopicOffsets(t.topic);
      for (const p of t.partitions) {
        const end = Number(ends.find((e) => e.partition === p.partition)?.high ?? 0);
        const done = Math.max(0, Number(p.offset));
        lag += Math.max(0, end - done);
      }
    }
    return lag;
  } finally {
    await admin.disconnect();
  }
}

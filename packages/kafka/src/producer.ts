import { compatibilityPartitioner, Producer as PlatformaticProducer, ProduceAcks } from "@platformatic/kafka";
import { CompressionTypes, type Producer } from "kafkajs";
import { BrokerUnavailableError } from "./brokerError";
import { COMMAND_RETRY, type Kafka, retryBudgetMs } from "./client";
import { asError, loadConfluent } from "./confluent";
import { KeyPartitioner } from "./keyPartitioner";

export interface OutgoingMessage {
  topic: string;
  key: string;
  value: unknown;
  headers?: Record<string, string>;
}

/**
 * Bytes of encoded messages per produce request. The broker refuses a record batch (one per
 * partition in a request) over `message.max.bytes` (1 MiB by default) as a whole, and each client
 * sends one `send` as one request: a consumed backlog's outputs (a full fetch, up to 1 MiB per
 * partition, grow when normalized) are sent in requests of at most this many bytes.
 */
export const MAX_REQUEST_BYTES = 768 * 1024;
/** what a record costs besides its key, value and headers (record framing, varints), rounded up */
const RECORD_OVERHEAD_BYTES = 32;

/** A message as JSON text, with its size as the broker counts it (about). */
export interface EncodedMessage {
  topic: string;
  key: string;
  value: string;
  headers: Record<string, string>;
  bytes: number;
}

/** What JsonProducer needs from a client: one idempotent, acks=all request per call. */
interface ProducerBackend {
  connect(): Promise<void>;
  sendRequest(messages: readonly EncodedMessage[]): Promise<void>;
  disconnect(): Promise<void>;
  /** bytes of messages per `sendRequest` (a `send` over this is split into several, in order) */
  maxRequestBytes: number;
}

function kafkajsBackend(kafka: Kafka): ProducerBackend {
  const producer: Producer = kafka.kafkajs().producer({
    idempotent: true,
    maxInFlightRequests: 1,
    // murmur2 on the key, as the Java client does, so keys land where other clients expect them
    // (kafkajs's DefaultPartitioner, its hash in 32-bit arithmetic)
    createPartitioner: KeyPartitioner,
    allowAutoTopicCreation: false,
  });
  return {
    connect: () => producer.connect(),
    sendRequest: async (messages) => {
      const byTopic = new Map<string, { key: string; value: string; headers: Record<string, string> }[]>();
      for (const { topic, key, value, headers } of messages) {
        const list = byTopic.get(topic) ?? [];
        list.push({ key, value, headers });
        byTopic.set(topic, list);
      }
      await producer.sendBatch({
        acks: -1,
        compression: kafka.compression === "gzip" ? CompressionTypes.GZIP : CompressionTypes.None,
        topicMessages: [...byTopic].map(([topic, msgs]) => ({ topic, messages: msgs })),
      });
    },
    disconnect: () => producer.disconnect(),
    maxRequestBytes: MAX_REQUEST_BYTES,
  };
}

function platformaticBackend(kafka: Kafka): ProducerBackend {
  const producer = new PlatformaticProducer<string, string, string, string>({
    ...kafka.platformaticOptions(),
    idempotent: true,
    acks: ProduceAcks.ALL,
    autocreateTopics: false,
    compression: kafka.compression,
    // murmur2 on the key masked positive, as the Java client (and kafkajs's default) does
    partitioner: compatibilityPartitioner,
    serializers: { key: stringSerializer, value: stringSerializer, headerKey: stringSerializer, headerValue: stringSerializer },
  });
  return {
    connect: async () => {
      await producer.metadata({ topics: [] });
    },
    sendRequest: async (messages) => {
      await producer.send({ messages: messages.map(({ topic, key, value, headers }) => ({ topic, key, value, headers })) });
    },
    disconnect: () => producer.close(),
    maxRequestBytes: MAX_REQUEST_BYTES,
  };
}

/** the messages of one `sendRequest` still waiting for their delivery report */
interface Delivery {
  left: number;
  error: Error | undefined;
  resolve(): void;
  reject(err: Error): void;
}

/**
 * @confluentinc/kafka-javascript's native producer (librdkafka): idempotent (acks=all), murmur2 on
 * the key as the Java client does (`murmur2_random`: keyless messages go to a random partition).
 * librdkafka packs its own record batches within the broker's limit, so a `send` is not split;
 * a request resolves once every one of its messages has its delivery report, and fails with the
 * first error (librdkafka retries for as long as the handle's retry policy would: `retryBudgetMs`).
 */
function confluentBackend(kafka: Kafka): ProducerBackend {
  const { Producer } = loadConfluent();
  const producer = new Producer(
    {
      ...kafka.confluentOptions(),
      "enable.idempotence": true,
      dr_cb: true,
      "compression.type": kafka.compression,
    },
    {
      acks: -1,
      partitioner: "murmur2_random",
      // at least one attempt's worth (kafkajs's 30 s request timeout): 0 would mean no limit to librdkafka
      "message.timeout.ms": Math.max(30_000, retryBudgetMs(kafka.options.retry ?? COMMAND_RETRY)),
    },
  );
  const log = kafka.logger.child({ component: "librdkafka" });
  producer.on("event.error", (err) => log.warn({ err }, "producer error (librdkafka retries)"));
  producer.on("delivery-report", (err, report) => {
    const delivery = report.opaque as Delivery;
    if (err && !delivery.error) delivery.error = asError(err);
    if (--delivery.left > 0) return;
    if (delivery.error) delivery.reject(delivery.error);
    else delivery.resolve();
  });
  const timeoutMs = kafka.options.connectionTimeout ?? 5000;
  return {
    connect: () =>
      new Promise<void>((resolve, reject) => {
        producer.connect({ allTopics: false, timeout: timeoutMs }, (err) => (err ? reject(asError(err)) : resolve()));
      }).then(() => {
        // delivery reports are served by librdkafka's own thread, not a JS timer
        producer.setPollInBackground(true);
      }),
    sendRequest: (messages) =>
      new Promise<void>((resolve, reject) => {
        const delivery: Delivery = { left: messages.length, error: undefined, resolve, reject };
        try {
          for (const { topic, key, value, headers } of messages) {
            const list = Object.entries(headers).map(([k, v]) => ({ [k]: v }));
            producer.produce(topic, null, Buffer.from(value), key, null, delivery, list);
          }
        } catch (err) {
          // not queued (queue full, unknown topic): what was queued still reports; the call fails now
          delivery.error ??= asError(err as Error);
          delivery.left = Number.POSITIVE_INFINITY;
          reject(delivery.error);
        }
      }),
    disconnect: () =>
      new Promise<void>((resolve, reject) => {
        producer.flush(timeoutMs, () => producer.disconnect((err) => (err ? reject(asError(err as Error)) : resolve())));
      }),
    maxRequestBytes: Number.POSITIVE_INFINITY,
  };
}

const BACKENDS: Record<Kafka["client"], (kafka: Kafka) => ProducerBackend> = {
  kafkajs: kafkajsBackend,
  platformatic: platformaticBackend,
  confluent: confluentBackend,
};

const stringSerializer = (s: string | undefined) => (s === undefined ? undefined : Buffer.from(s, "utf8"));

/**
 * Idempotent JSON producer (acks=all) on the client the Kafka handle was created for. Callers
 * hand whole batches to `send`; messages for several topics go in one request (several, in order,
 * when they exceed MAX_REQUEST_BYTES).
 */
export class JsonProducer {
  private readonly backend: ProducerBackend;
  private connected = false;
  private closing: Promise<void> | undefined;

  constructor(kafka: Kafka) {
    this.backend = BACKENDS[kafka.client](kafka);
  }

  async start(): Promise<void> {
    if (this.connected) return;
    await this.backend.connect();
    this.connected = true;
  }

  /** Sends and waits for acknowledgement by all in-sync replicas. */
  async send(messages: readonly OutgoingMessage[]): Promise<void> {
    if (messages.length === 0) return;
    if (!this.connected) throw new BrokerUnavailableError("producer not started");
    let chunk: EncodedMessage[] = [];
    let bytes = 0;
    for (const m of messages) {
      const encoded = encode(m);
      if (bytes + encoded.bytes > this.backend.maxRequestBytes && chunk.length > 0) {
        await this.backend.sendRequest(chunk);
        chunk = [];
        bytes = 0;
      }
      chunk.push(encoded);
      bytes += encoded.bytes;
    }
    await this.backend.sendRequest(chunk);
  }

  close(): Promise<void> {
    this.closing ??= this.connected ? this.backend.disconnect() : Promise.resolve();
    return this.closing;
  }
}

function encode(m: OutgoingMessage): EncodedMessage {
  const value = JSON.stringify(m.value);
  const headers: Record<string, string> = { "content-type": "application/json", ...m.headers };
  let bytes = RECORD_OVERHEAD_BYTES + Buffer.byteLength(m.key) + Buffer.byteLength(value);
  for (const [k, v] of Object.entries(headers)) bytes += k.length + Buffer.byteLength(v) + 2;
  return { topic: m.topic, key: m.key, value, headers, bytes };
}

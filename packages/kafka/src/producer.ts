import { type Kafka, Partitioners, type Producer } from "kafkajs";
import { BrokerUnavailableError } from "./brokerError";

export interface OutgoingMessage {
  topic: string;
  key: string;
  value: unknown;
  headers?: Record<string, string>;
}

/**
 * Idempotent JSON producer (acks=all). kafkajs does no client-side batching, so callers hand
 * whole batches to `send`; messages for several topics go in one request.
 */
export class JsonProducer {
  private readonly producer: Producer;
  private connected = false;
  private closing: Promise<void> | undefined;

  constructor(kafka: Kafka, options: { transactionalId?: string } = {}) {
    this.producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      // murmur2 on the key, as the Java client does, so keys land where other clients expect them
      createPartitioner: Partitioners.DefaultPartitioner,
      allowAutoTopicCreation: false,
      ...(options.transactionalId ? { transactionalId: options.transactionalId } : {}),
    });
  }

  async start(): Promise<void> {
    await this.producer.connect();
    this.connected = true;
  }

  /** Sends and waits for acknowledgement by all in-sync replicas. */
  async send(messages: readonly OutgoingMessage[]): Promise<void> {
    if (messages.length === 0) return;
    if (!this.connected) throw new BrokerUnavailableError("producer not started");
    const byTopic = new Map<string, { key: string; value: string; headers: Record<string, string> }[]>();
    for (const m of messages) {
      const list = byTopic.get(m.topic) ?? [];
      list.push({
        key: m.key,
        value: JSON.stringify(m.value),
        headers: { "content-type": "application/json", ...m.headers },
      });
      byTopic.set(m.topic, list);
    }
    await this.producer.sendBatch({
      acks: -1,
      topicMessages: [...byTopic].map(([topic, msgs]) => ({ topic, messages: msgs })),
    });
  }

  close(): Promise<void> {
    this.closing ??= this.connected ? this.producer.disconnect() : Promise.resolve();
    return this.closing;
  }
}

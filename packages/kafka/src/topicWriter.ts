import { type ProducerKeyedTopic, TOPIC_CATALOG, type TopicContract, type TopicKey, type TopicValue, topicName } from "@entrepot/schemas";
import type { JsonProducer, OutgoingMessage } from "./producer";

/**
 * One message for a catalog topic; the key defaults to the catalog's derivation from the value,
 * except on the topics whose producer must give it (the raw topics: `rawPartitionKey`).
 * `valueChecked`: the caller parsed this very value with the topic's value schema already (the
 * normalize stage checks every clean record with it before it becomes an outcome), so the writer
 * checks the headers only instead of checking the value a second time.
 */
export type TopicRecord<K extends TopicKey> = { value: TopicValue<K>; headers?: Record<string, string>; valueChecked?: true } & (K extends ProducerKeyedTopic
  ? { key: string }
  : { key?: string });

/** A message for any catalog topic, typed by its topic (a batch may mix topics). */
export type TopicMessage<K extends TopicKey = TopicKey> = { [T in K]: TopicRecord<T> & { topic: T } }[K];

/** A message that does not satisfy its topic's contract; nothing of its batch was sent. */
export class TopicContractError extends Error {
  constructor(
    readonly topic: string,
    readonly part: "value" | "headers",
    detail: string,
  ) {
    super(`message for ${topic} does not match the topic's ${part} schema: ${detail}`);
    this.name = "TopicContractError";
  }
}

/**
 * Typed writes to the catalog's topics under one deployment prefix, over a shared JsonProducer:
 * each value (unless the caller says it checked it: `valueChecked`) and its headers are checked
 * against the topic's schemas before anything is sent (a batch with one bad message sends
 * nothing), keys are derived by the catalog unless given (the raw topics' must be given).
 */
export class TopicWriter {
  constructor(
    private readonly producer: Pick<JsonProducer, "send">,
    readonly topicPrefix: string,
  ) {}

  /** Messages for one topic. */
  async produce<K extends TopicKey>(topic: K, messages: readonly TopicRecord<K>[]): Promise<void> {
    await this.send(messages.map((m) => ({ ...m, topic }) as TopicMessage));
  }

  /** Messages for several topics, in one request. */
  async send(messages: readonly TopicMessage[]): Promise<void> {
    await this.producer.send(messages.map((m) => this.outgoing(m)));
  }

  private outgoing(m: TopicMessage): OutgoingMessage {
    const contract = TOPIC_CATALOG[m.topic] as TopicContract;
    if (m.valueChecked !== true) {
      const value = contract.value.safeParse(m.value);
      if (!value.success) throw new TopicContractError(contract.name, "value", issueText(value.error.issues[0]));
    }
    const headers = m.headers ?? {};
    const checked = contract.headers.safeParse(headers);
    if (!checked.success) throw new TopicContractError(contract.name, "headers", issueText(checked.error.issues[0]));
    // the value as given (validation must not change the bytes consumers see)
    return { topic: topicName(this.topicPrefix, m.topic), key: m.key ?? contract.key(m.value), value: m.value, headers };
  }
}

function issueText(issue: { path: PropertyKey[]; message: string } | undefined): string {
  return issue ? `${issue.path.map(String).join(".") || "(root)"}: ${issue.message}` : "invalid";
}

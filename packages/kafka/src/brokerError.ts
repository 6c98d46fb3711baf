import kafkajs from "kafkajs";

// kafkajs is CommonJS and adds its error classes to its exports in a way Node's ESM loader does not
// detect as named exports: take them from the default export
const { KafkaJSError } = kafkajs;

/** Kafka cannot take the messages now: a producer not connected (yet, or any more). */
export class BrokerUnavailableError extends Error {
  override name = "BrokerUnavailableError";
}

/**
 * True when an error comes from the Kafka side (a broker that does not answer, a leader that
 * moved, retries exhausted, a producer not connected), not from the data: the caller may keep the
 * input and try again later.
 */
export function isBrokerError(err: unknown): boolean {
  return err instanceof KafkaJSError || err instanceof BrokerUnavailableError;
}

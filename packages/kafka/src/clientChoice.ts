import { z } from "zod";
import { confluentInstalled } from "./confluent";

/** The Kafka client libraries packages/kafka can run on. */
export const KafkaClientName = z.enum(["platformatic", "kafkajs", "confluent"]);
export type KafkaClientName = z.infer<typeof KafkaClientName>;

/** the client used when ENTREPOT_KAFKA_CLIENT is not set (docs/decisions/0001-kafka-client.md) */
export const DEFAULT_KAFKA_CLIENT: KafkaClientName = "kafkajs";

/**
 * The client chosen by `ENTREPOT_KAFKA_CLIENT` (platformatic | kafkajs | confluent) in the given
 * environment, else the default; any other value is an error naming the variable.
 */
export function kafkaClientName(env: Record<string, string | undefined>): KafkaClientName {
  const given = env.ENTREPOT_KAFKA_CLIENT;
  if (given === undefined || given === "") return DEFAULT_KAFKA_CLIENT;
  const parsed = KafkaClientName.safeParse(given);
  if (!parsed.success) throw new Error(`ENTREPOT_KAFKA_CLIENT must be one of ${KafkaClientName.options.join(", ")}, got "${given}"`);
  return parsed.data;
}

/** the clients that can run here: confluent only where its optional native package is installed */
export function availableKafkaClients(): KafkaClientName[] {
  return KafkaClientName.options.filter((c) => c !== "confluent" || confluentInstalled());
}

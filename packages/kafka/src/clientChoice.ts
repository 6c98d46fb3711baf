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

/** Compression of produced record batches (`ENTREPOT_KAFKA_COMPRESSION`). */
export const KafkaCompression = z.enum(["none", "gzip", "snappy", "lz4", "zstd"]);
export type KafkaCompression = z.infer<typeof KafkaCompression>;

/**
 * What each client can compress with: kafkajs has only gzip built in (its other codecs are
 * separate packages, not installed); @platformatic/kafka and librdkafka have them all.
 */
export const COMPRESSIONS_OF: Record<KafkaClientName, readonly KafkaCompression[]> = {
  kafkajs: ["none", "gzip"],
  platformatic: ["none", "gzip", "snappy", "lz4", "zstd"],
  confluent: ["none", "gzip", "snappy", "lz4", "zstd"],
};

/**
 * The compression chosen by `ENTREPOT_KAFKA_COMPRESSION` for a client (default none); a value the
 * client cannot produce is an error naming the variable and what the client has. Every reader of
 * the topics must decompress it: kafkajs (`readTopicToEnd`, the operator tools) reads gzip only.
 */
export function kafkaCompression(env: Record<string, string | undefined>, client: KafkaClientName): KafkaCompression {
  const given = env.ENTREPOT_KAFKA_COMPRESSION;
  if (given === undefined || given === "") return "none";
  const parsed = KafkaCompression.safeParse(given);
  const allowed = COMPRESSIONS_OF[client];
  if (!parsed.success || !allowed.includes(parsed.data))
    throw new Error(`ENTREPOT_KAFKA_COMPRESSION must be one of ${allowed.join(", ")} with the ${client} client, got "${given}"`);
  return parsed.data;
}

/** Every Kafka topic of Entrepot v1, with its partitioning and retention. */
export interface TopicSpec {
  /** name without the deployment prefix */
  name: string;
  partitions: number;
  cleanupPolicy: "delete" | "compact";
  retentionMs?: number;
  description: string;
}

const DAY = 24 * 60 * 60 * 1000;

export const TOPICS = {
  revenueRaw: {
    name: "revenue.raw.v1",
    partitions: 3,
    cleanupPolicy: "delete",
    retentionMs: 7 * DAY,
    description: "raw revenue rows with provenance; key = source file + line",
  },
  customsRaw: {
    name: "customs.raw.v1",
    partitions: 3,
    cleanupPolicy: "delete",
    retentionMs: 7 * DAY,
    description: "raw customs rows with provenance; key = source file + line",
  },
  revenueClean: {
    name: "revenue.clean.v1",
    partitions: 3,
    cleanupPolicy: "compact",
    description: "canonical revenue facts; key = company|fiscal period|region",
  },
  customsClean: {
    name: "customs.clean.v1",
    partitions: 3,
    cleanupPolicy: "compact",
    description: "canonical customs facts; key = reporter|partner|flow|hs|period",
  },
  rejects: {
    name: "rejects.v1",
    partitions: 1,
    cleanupPolicy: "delete",
    retentionMs: 30 * DAY,
    description: "dead letters: stage, reason code, message, raw record",
  },
  shares: {
    name: "shares.v1",
    partitions: 3,
    cleanupPolicy: "compact",
    description: "compositions: amount and share per region; key = entity|period",
  },
  alerts: {
    name: "alerts.v1",
    partitions: 3,
    cleanupPolicy: "compact",
    description: "alerts; key = alertId",
  },
} as const satisfies Record<string, TopicSpec>;

export type TopicKey = keyof typeof TOPICS;

/** The topic name as deployed: `${prefix}${name}`. Tests use a unique prefix per run. */
export function topicName(prefix: string, key: TopicKey): string {
  return `${prefix}${TOPICS[key].name}`;
}

/** Message headers every producer sets. */
export const HEADERS = {
  schemaVersion: "entrepot-schema-version",
  contentType: "content-type",
  ingestRun: "entrepot-ingest-run",
  traceId: "entrepot-trace-id",
  /** dead letters: where the rejected record came from (Kafka Connect vocabulary) */
  dlqTopic: "__connect.errors.topic",
  dlqPartition: "__connect.errors.partition",
  dlqOffset: "__connect.errors.offset",
  dlqStage: "__connect.errors.stage",
  dlqErrorClass: "__connect.errors.exception.class.name",
  dlqReason: "entrepot-reason",
} as const;

/** Every topic as deployed under `prefix`, ready for topic creation. */
export function topicDefinitions(prefix: string): (TopicSpec & { key: TopicKey })[] {
  return (Object.keys(TOPICS) as TopicKey[]).map((key) => ({ ...TOPICS[key], key, name: topicName(prefix, key) }));
}

import { z } from "zod";
import { Alert, Composition } from "./alert";
import { CustomsClean, customsCleanKey, RevenueClean, revenueCleanKey } from "./clean";
import { HEADERS } from "./headers";
import { RawRecord, rawRecordKey } from "./provenance";
import { Rejection } from "./rejection";

/** Consumer groups of the services, unprefixed (the deployment prefix goes in front, as for topics). */
export const CONSUMER_GROUPS = {
  normalizer: "entrepot-normalizer",
  detector: "entrepot-detector",
  notifier: "entrepot-notifier",
} as const;
export type ConsumerGroup = keyof typeof CONSUMER_GROUPS;

/** The group id as deployed: `${prefix}${group}`. */
export function consumerGroupId(prefix: string, group: ConsumerGroup): string {
  return `${prefix}${CONSUMER_GROUPS[group]}`;
}

/** Header values are text; producers may add headers beyond the contract (tracing, tests). */
const headers = <S extends z.core.$ZodLooseShape>(shape: S) => z.object(shape).catchall(z.string());

const schemaVersion = { [HEADERS.schemaVersion]: z.literal("1") };
/** a raw record carries its ingest run, so reconciliation can count it downstream */
const RawHeaders = headers({ ...schemaVersion, [HEADERS.ingestRun]: z.string().min(1) });
const CleanHeaders = headers({ ...schemaVersion, [HEADERS.ingestRun]: z.string().min(1).optional() });
/** dead letters: Kafka Connect's error context; the source position is absent for ingest-stage (unparseable line) rejections */
const DeadLetterHeaders = headers({
  ...schemaVersion,
  [HEADERS.ingestRun]: z.string().min(1).optional(),
  [HEADERS.dlqStage]: z.string().min(1),
  [HEADERS.dlqErrorClass]: z.string().min(1),
  [HEADERS.dlqReason]: z.string().min(1),
  [HEADERS.dlqTopic]: z.string().min(1).optional(),
  [HEADERS.dlqPartition]: z.string().regex(/^\d+$/).optional(),
  [HEADERS.dlqOffset]: z.string().regex(/^\d+$/).optional(),
});
const DerivedHeaders = headers(schemaVersion);

/**
 * Entity, basis and period of a composition: `k=v,...|period` (entity keys sorted), with
 * `;basis=<basis>` after the entity when the basis is not billing, so a quarter recast on a new
 * basis is its own record on the compacted topic: `company=NVDA|FY2025-Q3`,
 * `company=NVDA;basis=headquarters|FY2025-Q3`.
 */
export function compositionKey(c: Pick<Composition, "entity" | "period" | "basis">): string {
  const entity = Object.keys(c.entity)
    .sort()
    .map((k) => `${k}=${c.entity[k]}`)
    .join(",");
  const basis = c.basis && c.basis !== "billing" ? `;basis=${c.basis}` : "";
  return `${entity}${basis}|${c.period}`;
}

/**
 * A dead letter of a row (the ingest's, the normalizer's) is keyed by the file and line it came
 * from; any other by the key of the message it rejects (`deadLetter` passes the source key); without
 * one, by stage and reason.
 */
export function rejectionKey(r: Pick<Rejection, "provenance" | "stage" | "reason">): string {
  const p = r.provenance;
  return p?.file !== undefined && p.line !== undefined ? `${p.file}:${p.line}` : `${r.stage}:${r.reason}`;
}

/** One topic's contract: name, value and header schemas, key, partitioning, retention, and who reads it. */
export interface TopicContract<V = unknown> {
  /** name without the deployment prefix */
  name: string;
  description: string;
  value: z.ZodType<V>;
  /** the message key of a value (compaction and partitioning follow it) */
  key: (value: V) => string;
  /** the headers the topic's messages carry (beyond them, any text header) */
  headers: z.ZodType;
  partitions: number;
  cleanupPolicy: "delete" | "compact";
  retentionMs?: number;
  /** the consumer groups that read the topic */
  consumerGroups: readonly ConsumerGroup[];
}

const DAY = 24 * 60 * 60 * 1000;

const contract = <V>(c: TopicContract<V>): TopicContract<V> => c;

/**
 * Topics whose producers give every message's key: the raw topics, keyed by the natural key of the
 * fact a row normalizes to (`rawPartitionKey` in @entrepot/normalize, which this package cannot
 * import), so a fact's revisions share a partition; their catalog `key` is that of a row without one.
 */
export type ProducerKeyedTopic = "revenueRaw" | "customsRaw";

/** The raw topic of one feed: rows as read, with provenance, kept a week. */
const rawTopic = (feed: "revenue" | "customs") =>
  contract({
    name: `${feed}.raw.v1`,
    description: `raw ${feed} rows with provenance; key = the natural key of the clean fact the row normalizes to, else source file:line`,
    value: RawRecord,
    // the key of a row whose key fields do not parse; producers key the others (ProducerKeyedTopic)
    key: rawRecordKey,
    headers: RawHeaders,
    partitions: 3,
    cleanupPolicy: "delete",
    retentionMs: 7 * DAY,
    consumerGroups: ["normalizer"],
  });

/** Every Kafka topic of Entrepot v1. Producers validate against it, consumers parse with it, topic creation reads it. */
export const TOPIC_CATALOG = {
  revenueRaw: rawTopic("revenue"),
  customsRaw: rawTopic("customs"),
  revenueClean: contract({
    name: "revenue.clean.v1",
    description: "canonical revenue facts; key = company|fiscal period|region",
    value: RevenueClean,
    key: revenueCleanKey,
    headers: CleanHeaders,
    partitions: 3,
    cleanupPolicy: "compact",
    consumerGroups: ["detector"],
  }),
  customsClean: contract({
    name: "customs.clean.v1",
    description: "canonical customs facts; key = reporter|partner|flow|hs|period",
    value: CustomsClean,
    key: customsCleanKey,
    headers: CleanHeaders,
    partitions: 3,
    cleanupPolicy: "compact",
    consumerGroups: ["detector"],
  }),
  rejects: contract({
    name: "rejects.v1",
    description: "dead letters: stage, reason code, message, raw record",
    value: Rejection,
    key: rejectionKey,
    headers: DeadLetterHeaders,
    partitions: 1,
    cleanupPolicy: "delete",
    retentionMs: 30 * DAY,
    consumerGroups: [],
  }),
  shares: contract({
    name: "shares.v1",
    description:
      "compositions: amount and share per region; key = entity|period; published when a composition changes (a new or restated period, or the period it is compared with)",
    value: Composition,
    key: compositionKey,
    headers: DerivedHeaders,
    partitions: 3,
    cleanupPolicy: "compact",
    consumerGroups: [],
  }),
  alerts: contract({
    name: "alerts.v1",
    description: "alerts; key = alertId",
    value: Alert,
    key: (a) => a.alertId,
    headers: DerivedHeaders,
    partitions: 3,
    cleanupPolicy: "compact",
    consumerGroups: ["notifier"],
  }),
} as const;

export type TopicKey = keyof typeof TOPIC_CATALOG;
/** The value type of a topic's messages. */
export type TopicValue<K extends TopicKey> = (typeof TOPIC_CATALOG)[K] extends TopicContract<infer V> ? V : never;

export const TOPIC_KEYS = Object.keys(TOPIC_CATALOG) as TopicKey[];

/** The topic name as deployed: `${prefix}${name}`. Tests use a unique prefix per run. */
export function topicName(prefix: string, key: TopicKey): string {
  return `${prefix}${TOPIC_CATALOG[key].name}`;
}

/** The catalog key of a deployed topic name, undefined for a topic outside the catalog. */
export function topicKeyOf(prefix: string, name: string): TopicKey | undefined {
  return TOPIC_KEYS.find((k) => topicName(prefix, k) === name);
}

/** What topic creation needs of one topic. */
export interface TopicSpec {
  key: TopicKey;
  /** as deployed (prefixed) */
  name: string;
  description: string;
  partitions: number;
  cleanupPolicy: "delete" | "compact";
  retentionMs?: number;
}

/** Every topic as deployed under `prefix`, with partitions and cleanup policy from the catalog, ready for topic creation. */
export function topicDefinitions(prefix: string): TopicSpec[] {
  return TOPIC_KEYS.map((key) => {
    const { description, partitions, cleanupPolicy, retentionMs } = TOPIC_CATALOG[key] as TopicContract;
    return {
      key,
      name: topicName(prefix, key),
      description,
      partitions,
      cleanupPolicy,
      ...(retentionMs !== undefined ? { retentionMs } : {}),
    };
  });
}

/** The topics a consumer group reads, as deployed. */
export function topicsReadBy(prefix: string, group: ConsumerGroup): string[] {
  return TOPIC_KEYS.filter((k) => TOPIC_CATALOG[k].consumerGroups.includes(group)).map((k) => topicName(prefix, k));
}

/** A consumed value parsed against its topic's contract; on failure, the first issue found. */
export type ParsedValue<K extends TopicKey> = { ok: true; value: TopicValue<K> } | { ok: false; issue: z.core.$ZodIssue | undefined };

/** Parses a consumed message's text with the topic's value schema (text that is not JSON is checked as that text, and fails). */
export function parseTopicValue<K extends TopicKey>(topic: K, text: string | null): ParsedValue<K> {
  let json: unknown = text;
  try {
    json = JSON.parse(text ?? "");
  } catch {
    // not JSON: the schema reports what it expected instead of this text
  }
  const parsed = (TOPIC_CATALOG[topic].value as z.ZodType<TopicValue<K>>).safeParse(json);
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, issue: parsed.error.issues[0] };
}

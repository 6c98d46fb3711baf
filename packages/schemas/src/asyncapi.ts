import { stringify } from "yaml";
import { exampleKey, TOPIC_EXAMPLES } from "./asyncapiExamples";
import { jsonSchemaOf } from "./jsonSchema";
import { CONSUMER_GROUPS, type ConsumerGroup, TOPIC_CATALOG, TOPIC_KEYS, type TopicContract, type TopicKey } from "./topicCatalog";

/** Where the generated document is committed, from the repository root. */
export const ASYNCAPI_PATH = "docs/asyncapi.yaml";
/** The command that regenerates it. */
export const ASYNCAPI_COMMAND = `pnpm entrepot schemas asyncapi --out ${ASYNCAPI_PATH}`;

/** The broker version the project runs and tests on (infra/kafka/pom.xml). */
const KAFKA_VERSION = "4.4.0";
/** Version of the AsyncAPI Kafka bindings used below. */
const KAFKA_BINDING = { bindingVersion: "0.5.0" } as const;

/** How each topic's message key is derived from the value: what compaction and partitioning follow. */
const KEY_DERIVATION: Record<TopicKey, string> = {
  revenueRaw: rawKey("revenue"),
  customsRaw: rawKey("customs"),
  revenueClean:
    "`company|fiscalPeriod|region`, plus `|basis` when the basis is not `billing` (`revenueCleanKey`): e.g. `NVDA|FY2025-Q3|SG`, " +
    "`NVDA|FY2026-Q1|SG|headquarters`. The topic is compacted on it: a restated figure replaces the earlier one, and a quarter " +
    "recast on a new basis is a fact of its own.",
  customsClean:
    "`reporter|partner|flow|hsCode|period|partner2|customsProcedure|modeOfTransport|classification`, `-` where a dimension is " +
    "not distinguished (World as second partner, all procedures, all modes) (`customsCleanKey`): e.g. " +
    "`SG|TW|import|854231|2023-01|-|-|-|HS`. The topic is compacted on it: a figure with a newer `asOf` replaces the older one.",
  rejects:
    "For a feed row (a line the ingestor could not read, a raw record the normalizer rejected), the row's `file:line` " +
    "(`rejectionKey`); otherwise the key of the rejected message, `topic:partition:offset` of the rejected message when it " +
    "had no key, else `stage:reason`. The source topic, partition and offset are in the `__connect.errors.*` headers.",
  shares:
    "The entity's keys sorted, `k=v` joined by `,`, then `;basis=<basis>` when the basis is not billing, then `|period` " +
    "(`compositionKey`): e.g. `company=NVDA|FY2025-Q3`, `company=NVDA;basis=headquarters|FY2025-Q3`, " +
    "`hs=8471,reporter=SG|2024-09`. The topic is compacted on it: the latest composition of an entity and period wins.",
  alerts:
    "The alert id, deterministic: `rule|entity values sorted by key and joined by +|region|period`, plus `|basis` when the " +
    "basis is not billing (`alertIdFor` in packages/detect; a level shift's period is its onset): e.g. " +
    "`share_shift_yoy|NVDA|SG|FY2025-Q3`, `mirror_gap|854231+SG+TW|SG|2024-08`. The topic is compacted on it: an alert's " +
    "later revisions (updated, retracted, resolved) replace the first.",
};

function rawKey(feed: string): string {
  return (
    `The natural key of the clean ${feed} fact the row normalizes to, as on ${feed}.clean.v1 (\`rawPartitionKey\` in ` +
    "@entrepot/normalize, given by the producer: read from the row's key fields only, never its figures), so every revision " +
    "of a fact is on one partition, in file order, and one normalizer of a group decides them in that order. A row whose key " +
    `fields do not parse (rejected whatever the normalizer's options) is keyed \`file:line\`: the ${feed} file's name and ` +
    `the 1-based physical line the row starts on (\`rawRecordKey\`), e.g. \`${feed}.csv:7\`.`
  );
}

/** Who writes each topic. */
const PRODUCERS: Record<TopicKey, string> = {
  revenueRaw: "The ingestor (and `entrepot ingest`): one message per row read from a revenue feed file.",
  customsRaw: "The ingestor (and `entrepot ingest`): one message per row read from a customs feed file.",
  revenueClean: "The normalizer: one message per new or revised revenue fact (duplicates and stale revisions are dropped).",
  customsClean: "The normalizer: one message per new or revised customs fact (duplicates and stale revisions are dropped).",
  rejects:
    "Every stage: the ingestor (rows it cannot read), the normalizer (records it rejects, with a reason code), the detector " +
    "and the notifier (messages that fail their topic's schema).",
  shares: "The detector: the composition of each entity and period it recomputes.",
  alerts: "The detector: each alert fired, and each later revision of it (`status`, `revision`).",
};

/** What each service does with what it reads. */
const CONSUMERS: Record<ConsumerGroup, string> = {
  normalizer: "normalizes each raw record into a clean fact or a dead letter",
  detector: "recomputes compositions and runs the detectors over the facts",
  notifier: "routes each alert to the matching subscriptions and delivers signed webhooks",
};

const PREFIX_DESCRIPTION =
  "The deployment's topic prefix, `ENTREPOT_TOPIC_PREFIX` (letters, digits, `.`, `_`, `-`; empty by default): every topic " +
  "and consumer group name starts with it, so several deployments or test runs share a cluster.";

const INFO_DESCRIPTION = `Every Kafka topic of Entrepot v1, generated from the zod topic catalog
(\`packages/schemas/src/topicCatalog.ts\`) by \`${ASYNCAPI_COMMAND}\`; do not edit by hand.

- Values are JSON (\`application/json\`); each payload schema is the topic's zod schema as JSON
  Schema (the standalone draft 2020-12 files are in \`docs/schemas/\`).
- Keys are text, derived from the value as each message's Kafka binding \`key\` describes.
- Header values are text; producers may add headers beyond the listed ones (tracing, tests).
- Topic and consumer group names carry the deployment prefix \`{prefix}\` (\`ENTREPOT_TOPIC_PREFIX\`).
- A breaking change to a value gets a new topic (\`.v2\`) and a new \`entrepot-schema-version\` header.`;

/** The AsyncAPI Schema Object of a zod schema: JSON Schema draft-07 without its `$schema`. */
function asyncApiSchema(schema: TopicContract["value"], title: string, description: string): Record<string, unknown> {
  const { $schema: _dialect, ...rest } = jsonSchemaOf(schema, "draft-07");
  return { title, description, ...rest };
}

const pascal = (key: string): string => `${key.charAt(0).toUpperCase()}${key.slice(1)}`;
const ref = (...path: string[]): { $ref: string } => ({ $ref: `#/${path.join("/")}` });

/**
 * The AsyncAPI 3.0 document of every topic in the catalog: one channel per topic (address
 * `{prefix}<name>`, Kafka bindings with partitions, cleanup policy and retention), one message
 * per topic (payload and headers schemas, key binding, a real example), a `send` operation per
 * topic and a `receive` operation per consumer group that reads it.
 */
export function asyncApiDocument(): Record<string, unknown> {
  const channels: Record<string, unknown> = {};
  const operations: Record<string, unknown> = {};
  const messages: Record<string, unknown> = {};
  const schemas: Record<string, unknown> = {};
  for (const key of TOPIC_KEYS) {
    const topic = TOPIC_CATALOG[key] as TopicContract;
    const example = TOPIC_EXAMPLES[key];
    const message = ref("channels", key, "messages", key);
    schemas[topic.name] = asyncApiSchema(topic.value, topic.name, topic.description);
    schemas[`${topic.name}.headers`] = asyncApiSchema(topic.headers, `${topic.name} headers`, `the headers of ${topic.name} messages`);
    messages[key] = {
      name: key,
      title: topic.name,
      summary: topic.description,
      contentType: "application/json",
      headers: ref("components", "schemas", `${topic.name}.headers`),
      payload: ref("components", "schemas", topic.name),
      bindings: {
        kafka: {
          key: { type: "string", description: KEY_DERIVATION[key], examples: [exampleKey(key)] },
          ...KAFKA_BINDING,
        },
      },
      examples: [example],
    };
    const retention = topic.retentionMs === undefined ? "the latest message per key kept" : `kept ${topic.retentionMs / 86_400_000} days`;
    channels[key] = {
      address: `{prefix}${topic.name}`,
      title: topic.name,
      description: `${topic.description}. ${topic.partitions} partition(s), cleanup policy \`${topic.cleanupPolicy}\`, ${retention}.`,
      parameters: { prefix: ref("components", "parameters", "prefix") },
      messages: { [key]: ref("components", "messages", key) },
      bindings: {
        kafka: {
          partitions: topic.partitions,
          topicConfiguration: {
            "cleanup.policy": [topic.cleanupPolicy],
            ...(topic.retentionMs === undefined ? {} : { "retention.ms": topic.retentionMs }),
          },
          ...KAFKA_BINDING,
        },
      },
    };
    operations[`send${pascal(key)}`] = {
      action: "send",
      channel: ref("channels", key),
      summary: `write ${topic.name}`,
      description: PRODUCERS[key],
      messages: [message],
    };
    for (const group of topic.consumerGroups) {
      operations[`${group}Receives${pascal(key)}`] = {
        action: "receive",
        channel: ref("channels", key),
        summary: `the ${group} reads ${topic.name}`,
        description: `Consumer group \`{prefix}${CONSUMER_GROUPS[group]}\`: the ${group} ${CONSUMERS[group]}.`,
        messages: [message],
        bindings: {
          kafka: {
            groupId: {
              type: "string",
              description: `\`ENTREPOT_TOPIC_PREFIX\` + \`${CONSUMER_GROUPS[group]}\``,
              pattern: `^[a-zA-Z0-9._-]*${CONSUMER_GROUPS[group]}$`,
              examples: [CONSUMER_GROUPS[group]],
            },
            ...KAFKA_BINDING,
          },
        },
      };
    }
  }
  return {
    asyncapi: "3.0.0",
    info: { title: "Entrepot topics", version: "1.0.0", description: INFO_DESCRIPTION },
    defaultContentType: "application/json",
    servers: {
      kafka: {
        host: "{host}",
        protocol: "kafka",
        protocolVersion: KAFKA_VERSION,
        title: "Entrepot's Kafka cluster",
        description: "Any broker of the cluster the services are configured with (`KAFKA_BROKERS`).",
        variables: { host: { default: "127.0.0.1:9092", description: "`host:port` of a broker (`KAFKA_BROKERS`)" } },
      },
    },
    channels,
    operations,
    components: {
      parameters: { prefix: { default: "", description: PREFIX_DESCRIPTION, examples: ["", "staging."] } },
      schemas,
      messages,
    },
  };
}

/**
 * The document as committed in `docs/asyncapi.yaml`: no anchors, no folded lines, and strings
 * that YAML 1.1 readers (PyYAML) would take for dates or booleans quoted.
 */
export function asyncApiYaml(): string {
  return stringify(asyncApiDocument(), { aliasDuplicateObjects: false, lineWidth: 0, version: "1.1" });
}

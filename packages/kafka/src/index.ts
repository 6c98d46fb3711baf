export { BrokerUnavailableError, isBrokerError } from "./brokerError";
export { type KafkaHealth, KafkaUnreachableError, type ProbeOptions, probeKafka, type UnreachableReason } from "./brokerProbe";
export {
  consumerLag,
  createKafka,
  deleteTopics,
  ensureTopics,
  Kafka,
  type KafkaClientOptions,
  kafkaLogLevel,
  SERVICE_RETRY,
  type TopicDefinition,
} from "./client";
export {
  availableKafkaClients,
  COMPRESSIONS_OF,
  DEFAULT_KAFKA_CLIENT,
  KafkaClientName,
  KafkaCompression,
  kafkaClientName,
  kafkaCompression,
} from "./clientChoice";
export { ConsumerRunner, type ConsumerRunnerOptions, type ConsumerState, type IncomingMessage } from "./consumer";
export { deadLetter, REPLAY_OF_HEADER } from "./deadLetter";
export {
  describeGroups,
  GroupActiveError,
  type GroupDescription,
  groupLag,
  type OffsetMove,
  type PartitionLag,
  type ResetTarget,
  resetGroupOffsets,
} from "./groupAdmin";
export { JsonProducer, MAX_REQUEST_BYTES, type OutgoingMessage } from "./producer";
export { readTopicToEnd } from "./readTopic";
export { type ScanOptions, type ScanResult, scanTopic } from "./topicPager";
export { TopicContractError, type TopicMessage, type TopicRecord, TopicWriter } from "./topicWriter";

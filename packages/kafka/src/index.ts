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
export { DEFAULT_KAFKA_CLIENT, KafkaClientName, kafkaClientName } from "./clientChoice";
export { ConsumerRunner, type ConsumerRunnerOptions, type ConsumerState, type IncomingMessage } from "./consumer";
export { BrokerUnavailableError, isBrokerError } from "./brokerError";
export { deadLetter, REPLAY_OF_HEADER } from "./deadLetter";
export { JsonProducer, MAX_REQUEST_BYTES, type OutgoingMessage } from "./producer";
export { readTopicToEnd } from "./readTopic";
export { type KafkaHealth, KafkaUnreachableError, type ProbeOptions, probeKafka, type UnreachableReason } from "./brokerProbe";
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
export { type ScanOptions, type ScanResult, scanTopic } from "./topicPager";
export { TopicContractError, type TopicMessage, type TopicRecord, TopicWriter } from "./topicWriter";

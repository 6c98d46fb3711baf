export type { Kafka } from "kafkajs";
export {
  consumerLag,
  createKafka,
  ensureTopics,
  type KafkaClientOptions,
  kafkaLogLevel,
  SERVICE_RETRY,
  type TopicDefinition,
} from "./client";
export { ConsumerRunner, type ConsumerRunnerOptions, type ConsumerState, type IncomingMessage } from "./consumer";
export { BrokerUnavailableError, isBrokerError } from "./brokerError";
export { deadLetter, REPLAY_OF_HEADER } from "./deadLetter";
export { JsonProducer, type OutgoingMessage } from "./producer";
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

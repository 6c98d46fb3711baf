export {
  consumerLag,
  createKafka,
  deleteTopics,
  ensureTopics,
  Kafka,
  type KafkaClientOptions,
  kafkaLogLevel,
  type TopicDefinition,
} from "./client";
export { DEFAULT_KAFKA_CLIENT, KafkaClientName, kafkaClientName } from "./clientChoice";
export { ConsumerRunner, type ConsumerRunnerOptions, type ConsumerState, type IncomingMessage } from "./consumer";
export { deadLetter } from "./deadLetter";
export { JsonProducer, MAX_REQUEST_BYTES, type OutgoingMessage } from "./producer";
export { readTopicToEnd } from "./readTopic";
export { TopicContractError, type TopicMessage, type TopicRecord, TopicWriter } from "./topicWriter";

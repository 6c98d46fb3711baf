export type { Kafka } from "kafkajs";
export { consumerLag, createKafka, ensureTopics, type KafkaClientOptions, kafkaLogLevel, type TopicDefinition } from "./client";
export { ConsumerRunner, type ConsumerRunnerOptions, type ConsumerState, type IncomingMessage } from "./consumer";
export { deadLetter } from "./deadLetter";
export { JsonProducer, type OutgoingMessage } from "./producer";
export { readTopicToEnd } from "./readTopic";
export { TopicContractError, type TopicMessage, type TopicRecord, TopicWriter } from "./topicWriter";

export { Alert, AlertEntity, AlertKind, AlertStatus, Composition, SEVERITY_RANK, Severity } from "./alert";
export { ASYNCAPI_COMMAND, ASYNCAPI_PATH, asyncApiDocument, asyncApiYaml } from "./asyncapi";
export { PRODUCER_KEY_EXAMPLES, TOPIC_EXAMPLES, type TopicExample } from "./asyncapiExamples";
export {
  CustomsClean,
  customsCleanKey,
  FiscalPeriod,
  PeriodFrequency,
  RegionKind,
  RevenueBasis,
  RevenueClean,
  revenueCleanKey,
  TradeFlow,
} from "./clean";
export { DeliveryJob, deliveryJobId, Subscription } from "./delivery";
export { HEADERS } from "./headers";
export { type JsonSchemaDialect, jsonSchemaOf, topicJsonSchemaFiles, topicJsonSchemas } from "./jsonSchema";
export { Feed, Provenance, RawRecord, rawRecordKey } from "./provenance";
export { ReasonCode, Rejection, Stage } from "./rejection";
export {
  CONSUMER_GROUPS,
  type ConsumerGroup,
  compositionKey,
  consumerGroupId,
  type ParsedValue,
  type ProducerKeyedTopic,
  parseTopicValue,
  rejectionKey,
  TOPIC_CATALOG,
  TOPIC_KEYS,
  type TopicContract,
  type TopicKey,
  type TopicSpec,
  type TopicValue,
  topicDefinitions,
  topicKeyOf,
  topicName,
  topicsReadBy,
} from "./topicCatalog";

export { Alert, AlertEntity, AlertKind, AlertStatus, Composition, SEVERITY_RANK, Severity } from "./alert";
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
export { TOPIC_VALUE_SCHEMAS, topicJsonSchemas } from "./jsonSchema";
export { Feed, Provenance, RawRecord, rawRecordKey } from "./provenance";
export { ReasonCode, Rejection, Stage } from "./rejection";
export { HEADERS, TOPICS, type TopicKey, type TopicSpec, topicDefinitions, topicName } from "./topics";

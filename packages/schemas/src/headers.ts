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

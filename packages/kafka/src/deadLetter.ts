import { HEADERS, type Rejection, rejectionKey } from "@entrepot/schemas";
import type { IncomingMessage } from "./consumer";
import type { TopicMessage } from "./topicWriter";

/** The header of a raw record re-submitted by `entrepot dlq replay`: the dead letter it came from; dead letters carry it on. */
export const REPLAY_OF_HEADER = "entrepot-replay-of";

/**
 * The one way a stage dead-letters a consumed message: the rejection on `rejects.v1`, keyed by
 * the file and line of the row it rejects when it names one (`rejectionKey`: a raw message's own
 * key is its fact's natural key), else like the source message, with Kafka Connect's error-context headers (original topic, partition,
 * offset, stage, error class) and the ingest run carried over so reconciliation can count it.
 */
export function deadLetter(source: IncomingMessage, rejection: Rejection): TopicMessage<"rejects"> {
  const run = source.headers[HEADERS.ingestRun];
  const replayOf = source.headers[REPLAY_OF_HEADER];
  return {
    topic: "rejects",
    key: rejection.provenance ? rejectionKey(rejection) : (source.key ?? `${source.topic}:${source.partition}:${source.offset}`),
    value: rejection,
    headers: {
      [HEADERS.schemaVersion]: "1",
      [HEADERS.dlqTopic]: source.topic,
      [HEADERS.dlqPartition]: String(source.partition),
      [HEADERS.dlqOffset]: source.offset,
      [HEADERS.dlqStage]: rejection.stage,
      [HEADERS.dlqErrorClass]: rejection.reason,
      [HEADERS.dlqReason]: rejection.reason,
      ...(run ? { [HEADERS.ingestRun]: run } : {}),
      ...(replayOf ? { [REPLAY_OF_HEADER]: replayOf } : {}),
    },
  };
}

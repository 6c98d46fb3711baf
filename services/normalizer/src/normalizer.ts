import { ConsumerRunner, type IncomingMessage, JsonProducer, type Kafka, type OutgoingMessage } from "@entrepot/kafka";
import { normalizeRevenue, type Problem } from "@entrepot/normalize";
import type { Logger, Metrics } from "@entrepot/runtime";
import { HEADERS, RawRecord, type Rejection, revenueCleanKey, topicName } from "@entrepot/schemas";

export interface NormalizerOptions {
  kafka: Kafka;
  topicPrefix: string;
  logger: Logger;
  metrics: Metrics;
  groupId?: string;
  onCrash?: (err: Error) => void;
}

export interface NormalizerHandle {
  ready(): boolean;
  close(): Promise<void>;
}

/** Decides, for one raw message, the output message: a clean record or a dead letter. */
export function normalizeMessage(m: IncomingMessage, topicPrefix: string): { out: OutgoingMessage; clean: boolean; reason?: string } {
  const reject = (
    problem: Problem,
    raw: unknown,
    provenance?: RawRecord["provenance"],
  ): { out: OutgoingMessage; clean: false; reason: string } => {
    const value: Rejection = {
      schemaVersion: 1,
      stage: "normalize",
      reason: problem.reason,
      message: problem.message,
      ...(problem.field !== undefined ? { field: problem.field } : {}),
      raw,
      ...(provenance ? { provenance } : {}),
      rejectedAt: new Date().toISOString(),
    };
    return {
      clean: false,
      reason: problem.reason,
      out: {
        topic: topicName(topicPrefix, "rejects"),
        key: m.key ?? `${m.topic}:${m.partition}:${m.offset}`,
        value,
        headers: {
          [HEADERS.schemaVersion]: "1",
          [HEADERS.dlqTopic]: m.topic,
          [HEADERS.dlqPartition]: String(m.partition),
          [HEADERS.dlqOffset]: m.offset,
          [HEADERS.dlqStage]: "normalize",
          [HEADERS.dlqErrorClass]: problem.reason,
          [HEADERS.dlqReason]: problem.reason,
          ...(m.headers[HEADERS.ingestRun] ? { [HEADERS.ingestRun]: m.headers[HEADERS.ingestRun] } : {}),
        },
      },
    };
  };

  let json: unknown;
  try {
    json = JSON.parse(m.value ?? "");
  } catch (err) {
    return reject({ reason: "bad_json", message: `message is not JSON: ${(err as Error).message}` }, m.value);
  }
  const parsed = RawRecord.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return reject({ reason: "schema_violation", message: `raw record: ${issue?.path.join(".")}: ${issue?.message}` }, json);
  }
  const raw = parsed.data;
  if (raw.feed !== "revenue") {
    return reject({ reason: "unknown_format", message: `feed ${raw.feed} has no normalizer yet` }, raw.fields, raw.provenance);
  }
  const result = normalizeRevenue(raw);
  if (!result.ok) return reject(result.problem, raw.fields, raw.provenance);
  const headers: Record<string, string> = { [HEADERS.schemaVersion]: "1" };
  const run = m.headers[HEADERS.ingestRun];
  if (run) headers[HEADERS.ingestRun] = run;
  return {
    clean: true,
    out: { topic: topicName(topicPrefix, "revenueClean"), key: revenueCleanKey(result.record), value: result.record, headers },
  };
}

/** raw topics -> clean topics + dead letters; commits only after outputs are acknowledged. */
export async function startNormalizer(options: NormalizerOptions): Promise<NormalizerHandle> {
  const { kafka, topicPrefix, logger, metrics } = options;
  const consumed = metrics.counter("entrepot_normalizer_consumed_total", "raw records consumed");
  const cleaned = metrics.counter("entrepot_normalizer_clean_total", "clean records published");
  const rejected = metrics.counter("entrepot_normalizer_rejected_total", "records dead-lettered, by reason");
  const producer = new JsonProducer(kafka);
  await producer.start();
  const runner = new ConsumerRunner({
    kafka,
    groupId: options.groupId ?? `${topicPrefix}entrepot-normalizer`,
    topics: [topicName(topicPrefix, "revenueRaw")],
    logger,
    ...(options.onCrash ? { onCrash: options.onCrash } : {}),
    handleBatch: async (messages) => {
      const outputs = messages.map((m) => normalizeMessage(m, topicPrefix));
      await producer.send(outputs.map((o) => o.out));
      consumed({}, messages.length);
      for (const o of outputs) {
        if (o.clean) cleaned();
        else rejected({ reason: o.reason ?? "unknown" });
      }
      logger.debug({ count: messages.length }, "normalized batch");
    },
  });
  await runner.start();
  let closing: Promise<void> | undefined;
  return {
    ready: () => runner.ready(),
    close: () => {
      closing ??= runner.close().finally(() => producer.close());
      return closing;
    },
  };
}

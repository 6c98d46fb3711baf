import {
  ConsumerRunner,
  deadLetter,
  type IncomingMessage,
  JsonProducer,
  type Kafka,
  type TopicMessage,
  TopicWriter,
} from "@entrepot/kafka";
import {
  type BatchCounts,
  batchCounts,
  decodeRawRecord,
  type NormalizeOptions,
  NormalizeStage,
  type RevisionStore,
  type StageBatch,
} from "@entrepot/normalize";
import type { Logger, Metrics, StageCounters } from "@entrepot/runtime";
import { consumerGroupId, HEADERS, topicName, topicsReadBy } from "@entrepot/schemas";

/** Kafka Connect's `errors.tolerance`: `all` dead-letters bad records and goes on, `none` stops the stage. */
export type ErrorTolerance = "none" | "all";

export interface NormalizerOptions {
  kafka: Kafka;
  topicPrefix: string;
  logger: Logger;
  metrics: Metrics;
  revisions: RevisionStore;
  errorTolerance?: ErrorTolerance;
  normalize?: NormalizeOptions;
  groupId?: string;
  onCrash?: (err: Error) => void;
}

export interface NormalizerHandle {
  ready(): boolean;
  close(): Promise<void>;
}

/** What became of each consumed message, with the feed of the raw topic it came from (for per-feed metrics). */
export type Outcome = { feed: "revenue" | "customs" } & (
  | { outcome: "clean" }
  | { outcome: "duplicate" }
  | { outcome: "rejected"; reason: string }
);

/**
 * A batch of raw messages through the normalize stage (`NormalizeStage` of packages/normalize,
 * the code `entrepot normalize` runs offline) -> Kafka outputs: clean facts that are new or newer
 * revisions go to the compacted clean topics; the same fact again is dropped (counted as
 * duplicate); problems and older revisions arriving late (`stale_revision`) are dead-lettered
 * with Kafka Connect's error headers, so they are counted and findable.
 */
export async function planBatch(
  messages: readonly IncomingMessage[],
  topicPrefix: string,
  stage: NormalizeStage,
): Promise<{ outputs: TopicMessage[]; counts: BatchCounts; reasons: string[]; outcomes: Outcome[]; batch: StageBatch }> {
  const batch = await stage.processBatch(messages.map((m) => decodeRawRecord(m.value)));
  const results = batch.outcomes;
  const outputs: TopicMessage[] = [];
  const customsRaw = topicName(topicPrefix, "customsRaw");
  const outcomes = results.map((r, i): Outcome => {
    const m = messages[i] as IncomingMessage;
    const feed = m.topic === customsRaw ? "customs" : "revenue";
    if (r.outcome === "rejected") {
      // a row's dead letter is keyed by its file:line, as the ingest's are (deadLetter)
      outputs.push(deadLetter(m, r.rejection));
      return { feed, outcome: "rejected", reason: r.reason };
    }
    if (r.outcome === "duplicate") return { feed, outcome: "duplicate" };
    const headers: Record<string, string> = { [HEADERS.schemaVersion]: "1" };
    const run = m.headers[HEADERS.ingestRun];
    if (run) headers[HEADERS.ingestRun] = run;
    // normalizeRecord checked the fact with its clean topic's schema: the writer checks only the headers
    outputs.push(
      r.fact.feed === "revenue"
        ? { topic: "revenueClean", key: r.key, value: r.fact.record, headers, valueChecked: true }
        : { topic: "customsClean", key: r.key, value: r.fact.record, headers, valueChecked: true },
    );
    return { feed, outcome: "clean" };
  });
  const reasons = outcomes.flatMap((o) => (o.outcome === "rejected" ? [o.reason] : []));
  return { outputs, counts: batchCounts(results), reasons, outcomes, batch };
}

/** A batch's outcomes into the stage counters: one increment per feed, outcome and reason, not one per record. */
function countOutcomes(outcomes: readonly Outcome[], counters: StageCounters): void {
  const tally = new Map<string, { feed: Outcome["feed"]; kind: "in" | Outcome["outcome"]; reason: string; n: number }>();
  const add = (feed: Outcome["feed"], kind: "in" | Outcome["outcome"], reason = "") => {
    const key = `${feed}\u0000${kind}\u0000${reason}`;
    const t = tally.get(key);
    if (t) t.n += 1;
    else tally.set(key, { feed, kind, reason, n: 1 });
  };
  for (const o of outcomes) {
    add(o.feed, "in");
    add(o.feed, o.outcome, o.outcome === "rejected" ? o.reason : "");
  }
  for (const { feed, kind, reason, n } of tally.values()) {
    if (kind === "in") counters.in(feed, n);
    else if (kind === "clean") counters.out(feed, n);
    else if (kind === "duplicate") counters.dropped(feed, "duplicate", n);
    else counters.rejected(feed, reason, n);
  }
}

/** raw topics -> clean topics + dead letters; commits only after outputs are acknowledged. */
export async function startNormalizer(options: NormalizerOptions): Promise<NormalizerHandle> {
  const { kafka, topicPrefix, logger, metrics } = options;
  const tolerance = options.errorTolerance ?? "all";
  // per feed: in (consumed) = out (clean) + rejected (stale revisions are reason stale_revision) + dropped (duplicates)
  const counters = metrics.stage("normalize");
  const stage = new NormalizeStage({ revisions: options.revisions, normalize: options.normalize });
  const producer = new JsonProducer(kafka);
  await producer.start();
  const out = new TopicWriter(producer, topicPrefix);
  const runner = new ConsumerRunner({
    kafka,
    groupId: options.groupId ?? consumerGroupId(topicPrefix, "normalizer"),
    topics: topicsReadBy(topicPrefix, "normalizer"),
    logger,
    metrics: { metrics, stage: "normalize" },
    ...(options.onCrash ? { onCrash: options.onCrash } : {}),
    handleBatch: async (messages) => {
      const { outputs, counts, reasons, outcomes, batch } = await planBatch(messages, topicPrefix, stage);
      if (tolerance === "none" && counts.rejected > 0) {
        // errors.tolerance=none: stop loudly without committing; the bad record stays on the raw topic
        const first = outputs.find((o) => o.topic === "rejects");
        const err = new Error(
          `normalizer stopped (error tolerance none): ${reasons[0]} at ${first?.headers?.[HEADERS.dlqTopic]}:${first?.headers?.[HEADERS.dlqPartition]}@${first?.headers?.[HEADERS.dlqOffset]}`,
        );
        logger.fatal({ err, rejection: first?.value }, "record rejected with error tolerance none");
        options.onCrash?.(err);
        throw err;
      }
      await out.send(outputs);
      await batch.commit();
      countOutcomes(outcomes, counters);
      logger.debug({ ...counts }, "normalized batch");
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

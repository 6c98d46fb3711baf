import { ConsumerRunner, deadLetter, type IncomingMessage, JsonProducer, type Kafka, type OutgoingMessage } from "@entrepot/kafka";
import { type NormalizeOptions, normalizeRecord, type Problem } from "@entrepot/normalize";
import type { Logger, Metrics } from "@entrepot/runtime";
import { HEADERS, RawRecord, type Rejection, topicName } from "@entrepot/schemas";
import { type CleanFact, RevisionGate } from "./revisionGate";
import type { RevisionStore } from "./revisionStore";

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

/** The result of normalizing one consumed raw message, before revision handling. */
export type Normalized = { kind: "clean"; fact: CleanFact } | { kind: "rejected"; out: OutgoingMessage; reason: string };

function rejection(problem: Problem, raw: unknown, provenance?: RawRecord["provenance"]): Rejection {
  return {
    schemaVersion: 1,
    stage: "normalize",
    reason: problem.reason,
    message: problem.message,
    ...(problem.field !== undefined ? { field: problem.field } : {}),
    raw,
    ...(provenance ? { provenance } : {}),
    rejectedAt: new Date().toISOString(),
  };
}

/** One raw message -> a clean fact, or a dead letter with Kafka Connect error headers. */
export function normalizeMessage(m: IncomingMessage, topicPrefix: string, options: NormalizeOptions = {}): Normalized {
  const reject = (problem: Problem, raw: unknown, provenance?: RawRecord["provenance"]): Normalized => ({
    kind: "rejected",
    reason: problem.reason,
    out: deadLetter(m, rejection(problem, raw, provenance), topicPrefix),
  });
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
  const result = normalizeRecord(raw, options);
  if (!result.ok) return reject(result.problem, raw.fields, raw.provenance);
  return { kind: "clean", fact: result.record };
}

/** Per-batch outcome counts: consumed = clean + rejected + duplicates (stale revisions are rejected as `stale_revision`). */
export interface BatchCounts {
  consumed: number;
  clean: number;
  rejected: number;
  duplicates: number;
  stale: number;
}

/** What became of each consumed message, with the feed of the raw topic it came from (for per-feed metrics). */
export type Outcome = { feed: "revenue" | "customs" } & (
  | { outcome: "clean" }
  | { outcome: "duplicate" }
  | { outcome: "rejected"; reason: string }
);

/**
 * A batch of raw messages -> outputs: clean facts that are new or newer revisions go to the
 * compacted clean topics; the same fact again is dropped (counted as duplicate); an older
 * revision arriving late is dead-lettered as `stale_revision`, so it is counted and findable.
 */
export async function planBatch(
  messages: readonly IncomingMessage[],
  topicPrefix: string,
  gate: RevisionGate,
  options: NormalizeOptions = {},
): Promise<{ outputs: OutgoingMessage[]; counts: BatchCounts; reasons: string[]; outcomes: Outcome[] }> {
  const normalized = messages.map((m) => normalizeMessage(m, topicPrefix, options));
  const facts = normalized.flatMap((n) => (n.kind === "clean" ? [n.fact] : []));
  const decisions = await gate.decide(facts);
  const outputs: OutgoingMessage[] = [];
  const outcomes: Outcome[] = [];
  const customsRaw = topicName(topicPrefix, "customsRaw");
  let d = 0;
  normalized.forEach((n, i) => {
    const m = messages[i] as IncomingMessage;
    const feed = m.topic === customsRaw ? "customs" : "revenue";
    if (n.kind === "rejected") {
      outputs.push(n.out);
      outcomes.push({ feed, outcome: "rejected", reason: n.reason });
      return;
    }
    const { decision, key, previousAsOf } = decisions[d++] as { decision: string; key: string; previousAsOf?: string };
    if (decision === "duplicate") {
      outcomes.push({ feed, outcome: "duplicate" });
      return;
    }
    if (decision === "stale") {
      const problem: Problem = {
        reason: "stale_revision",
        message: `${key} as of ${n.fact.record.asOf} is older than the published revision as of ${previousAsOf}; ignored`,
      };
      outputs.push(deadLetter(m, rejection(problem, n.fact.record, n.fact.record.provenance), topicPrefix));
      outcomes.push({ feed, outcome: "rejected", reason: "stale_revision" });
      return;
    }
    const headers: Record<string, string> = { [HEADERS.schemaVersion]: "1" };
    const run = m.headers[HEADERS.ingestRun];
    if (run) headers[HEADERS.ingestRun] = run;
    outputs.push({
      topic: topicName(topicPrefix, n.fact.feed === "revenue" ? "revenueClean" : "customsClean"),
      key,
      value: n.fact.record,
      headers,
    });
    outcomes.push({ feed, outcome: "clean" });
  });
  const reasons = outcomes.flatMap((o) => (o.outcome === "rejected" ? [o.reason] : []));
  const counts: BatchCounts = {
    consumed: messages.length,
    clean: outcomes.filter((o) => o.outcome === "clean").length,
    rejected: reasons.length,
    duplicates: outcomes.filter((o) => o.outcome === "duplicate").length,
    stale: reasons.filter((r) => r === "stale_revision").length,
  };
  return { outputs, counts, reasons, outcomes };
}

/** raw topics -> clean topics + dead letters; commits only after outputs are acknowledged. */
export async function startNormalizer(options: NormalizerOptions): Promise<NormalizerHandle> {
  const { kafka, topicPrefix, logger, metrics } = options;
  const tolerance = options.errorTolerance ?? "all";
  // per feed: in (consumed) = out (clean) + rejected (stale revisions are reason stale_revision) + dropped (duplicates)
  const stage = metrics.stage("normalize");
  const gate = new RevisionGate(options.revisions);
  const producer = new JsonProducer(kafka);
  await producer.start();
  const runner = new ConsumerRunner({
    kafka,
    groupId: options.groupId ?? `${topicPrefix}entrepot-normalizer`,
    topics: [topicName(topicPrefix, "revenueRaw"), topicName(topicPrefix, "customsRaw")],
    logger,
    metrics: { metrics, stage: "normalize" },
    ...(options.onCrash ? { onCrash: options.onCrash } : {}),
    handleBatch: async (messages) => {
      const { outputs, counts, reasons, outcomes } = await planBatch(messages, topicPrefix, gate, options.normalize);
      if (tolerance === "none" && counts.rejected > 0) {
        // errors.tolerance=none: stop loudly without committing; the bad record stays on the raw topic
        const first = outputs.find((o) => o.topic === topicName(topicPrefix, "rejects"));
        const err = new Error(
          `normalizer stopped (error tolerance none): ${reasons[0]} at ${first?.headers?.[HEADERS.dlqTopic]}:${first?.headers?.[HEADERS.dlqPartition]}@${first?.headers?.[HEADERS.dlqOffset]}`,
        );
        logger.fatal({ err, rejection: first?.value }, "record rejected with error tolerance none");
        options.onCrash?.(err);
        throw err;
      }
      await producer.send(outputs);
      await gate.commit();
      for (const o of outcomes) {
        stage.in(o.feed);
        if (o.outcome === "clean") stage.out(o.feed);
        else if (o.outcome === "duplicate") stage.dropped(o.feed, "duplicate");
        else stage.rejected(o.feed, o.reason);
      }
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

import { type IngestReport, ingestFile } from "@entrepot/ingest";
import { consumerLag, createKafka, ensureTopics, type IncomingMessage, JsonProducer, type Kafka, readTopicToEnd } from "@entrepot/kafka";
import { type Logger, ServiceStats } from "@entrepot/runtime";
import { consumerGroupId, HEADERS, Rejection, topicDefinitions, topicName, topicsReadBy } from "@entrepot/schemas";

const FEEDS = ["revenue", "customs"] as const;
type FeedName = (typeof FEEDS)[number];

/** The normalize stage for one feed: consumed = clean + rejected (stale revisions included) + duplicates. */
export interface NormalizeCounts {
  consumed: number;
  clean: number;
  /** dead letters of the normalize stage, `stale_revision` included */
  rejected: number;
  /** older revisions arriving late (dead letters with reason `stale_revision`) */
  stale: number;
  /** the same fact again: dropped without any message, so known only from the normalizer's metrics (or inferred) */
  duplicates: number;
}

/** What one ingest run became, stage by stage and feed by feed: in = out at every stage. */
export interface Reconciliation {
  ingest: { read: number; published: number; rejected: number; publishedByFeed: Record<FeedName, number> };
  normalize: NormalizeCounts & { byFeed: Record<FeedName, NormalizeCounts> };
  /**
   * where the duplicate counts come from: the normalizer's /stats (its
   * `entrepot_records_dropped_total{stage="normalize",reason="duplicate"}`, read before and after the run), or inferred as consumed - clean - rejected when no metrics
   * were given (then the normalize equation holds by construction; only duplicates >= 0 is checked)
   */
  duplicatesFrom: "normalizer metrics" | "inferred";
  rejectsByReason: Record<string, number>;
  balanced: boolean;
  /** why it is not balanced */
  problems: string[];
}

/** The normalizer's counters per feed, as read from its /stats. */
export type NormalizerMetrics = Record<FeedName, { consumed: number; clean: number; rejected: number; duplicates: number }>;

/** The normalize stage's per-feed counts out of a service's /stats record: in, out, rejected, dropped as duplicates. */
export function normalizerCounts(stats: ServiceStats): NormalizerMetrics {
  const of = (feed: FeedName) => {
    const c = stats.stages.normalize?.[feed];
    return { consumed: c?.in ?? 0, clean: c?.out ?? 0, rejected: c?.rejected ?? 0, duplicates: c?.droppedByReason.duplicate ?? 0 };
  };
  return { revenue: of("revenue"), customs: of("customs") };
}

/**
 * Reads a normalizer's counters from its health server's /stats JSON. `url` is that server (e.g.
 * `http://127.0.0.1:<HEALTH_PORT>`) or any path on it, such as the `/metrics` URL given before.
 */
export async function scrapeNormalizerMetrics(url: string): Promise<NormalizerMetrics> {
  const statsUrl = new URL("/stats", url);
  const res = await fetch(statsUrl);
  if (!res.ok) throw new Error(`${statsUrl} answered ${res.status}`);
  return normalizerCounts(ServiceStats.parse(await res.json()));
}

/** after - before, per feed and counter. */
export function metricsDelta(before: NormalizerMetrics, after: NormalizerMetrics): NormalizerMetrics {
  const d = (f: FeedName) => ({
    consumed: after[f].consumed - before[f].consumed,
    clean: after[f].clean - before[f].clean,
    rejected: after[f].rejected - before[f].rejected,
    duplicates: after[f].duplicates - before[f].duplicates,
  });
  return { revenue: d("revenue"), customs: d("customs") };
}

export async function createTopics(brokers: readonly string[], prefix: string, logger: Logger): Promise<string[]> {
  const kafka = createKafka({ brokers, clientId: "entrepot-cli", logger });
  return ensureTopics(kafka, topicDefinitions(prefix));
}

export async function ingest(
  kafka: Kafka,
  prefix: string,
  file: string,
  /** the feed expected; undefined: any (a JSON lines file may hold both) */
  feed: "revenue" | "customs" | undefined,
  onProgress?: (r: IngestReport) => void,
) {
  const producer = new JsonProducer(kafka);
  await producer.start();
  try {
    return await ingestFile({ producer, topicPrefix: prefix, file, ...(feed ? { feed } : {}), ...(onProgress ? { onProgress } : {}) });
  } finally {
    await producer.close();
  }
}

/** Waits until the normalizer group has consumed everything on both raw topics (revenue and customs). */
export async function waitNormalized(kafka: Kafka, prefix: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const group = consumerGroupId(prefix, "normalizer");
  for (;;) {
    if ((await consumerLag(kafka, group, topicsReadBy(prefix, "normalizer"))) === 0) return;
    if (Date.now() > deadline) throw new Error(`normalizer still behind after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * Reads both clean topics and the dead-letter topic for one ingest run (by its run header) and
 * checks, per feed, that the counts add up: read = published + rejected at ingest; consumed
 * (= published, once the normalizer has caught up) = clean + rejected + duplicates at normalize.
 * Duplicates produce no message: pass the normalizer's metrics delta over the run to count them;
 * without it they are inferred. Call after `waitNormalized`.
 */
export async function reconcile(
  kafka: Kafka,
  prefix: string,
  report: IngestReport,
  options: { normalizerDelta?: NormalizerMetrics } = {},
): Promise<Reconciliation> {
  const [revenueClean, customsClean, rejects] = await Promise.all([
    readTopicToEnd(kafka, topicName(prefix, "revenueClean")),
    readTopicToEnd(kafka, topicName(prefix, "customsClean")),
    readTopicToEnd(kafka, topicName(prefix, "rejects")),
  ]);
  const ofRun = (m: IncomingMessage) => m.headers[HEADERS.ingestRun] === report.ingestRun;
  const runRejects = rejects.filter(ofRun).map((m) => ({ header: m.headers, value: Rejection.parse(JSON.parse(m.value ?? "")) }));
  const rejectsByReason: Record<string, number> = {};
  for (const { value } of runRejects) rejectsByReason[value.reason] = (rejectsByReason[value.reason] ?? 0) + 1;
  const ingestRejected = runRejects.filter((r) => r.value.stage === "ingest").length;
  const cleanOf = { revenue: revenueClean.filter(ofRun).length, customs: customsClean.filter(ofRun).length };
  const problems: string[] = [];
  const byFeed = {} as Record<FeedName, NormalizeCounts>;
  for (const feed of FEEDS) {
    const rawTopic = topicName(prefix, feed === "revenue" ? "revenueRaw" : "customsRaw");
    // a normalize-stage dead letter names the raw topic it came from in Kafka Connect's header
    const dead = runRejects.filter((r) => r.value.stage === "normalize" && r.header[HEADERS.dlqTopic] === rawTopic);
    const consumed = report.publishedByFeed[feed];
    const clean = cleanOf[feed];
    const rejected = dead.length;
    const stale = dead.filter((r) => r.value.reason === "stale_revision").length;
    // a feed this run published nothing to has no duplicates of this run (the metrics' are other runs')
    const duplicates =
      consumed === 0 ? 0 : options.normalizerDelta ? options.normalizerDelta[feed].duplicates : consumed - clean - rejected;
    byFeed[feed] = { consumed, clean, rejected, stale, duplicates };
    if (duplicates < 0) problems.push(`${feed}: ${clean + rejected} clean + rejected for ${consumed} consumed`);
    else if (consumed !== clean + rejected + duplicates)
      problems.push(`${feed}: consumed ${consumed} != clean ${clean} + rejected ${rejected} + duplicates ${duplicates}`);
  }
  if (report.read !== report.published + report.rejected)
    problems.push(`ingest: read ${report.read} != published ${report.published} + rejected ${report.rejected}`);
  if (ingestRejected !== report.rejected)
    problems.push(`ingest: ${ingestRejected} ingest dead letters on the topic, the ingestor reported ${report.rejected}`);
  const sum = (k: keyof NormalizeCounts) => byFeed.revenue[k] + byFeed.customs[k];
  return {
    ingest: { read: report.read, published: report.published, rejected: ingestRejected, publishedByFeed: { ...report.publishedByFeed } },
    normalize: {
      consumed: sum("consumed"),
      clean: sum("clean"),
      rejected: sum("rejected"),
      stale: sum("stale"),
      duplicates: sum("duplicates"),
      byFeed,
    },
    duplicatesFrom: options.normalizerDelta ? "normalizer metrics" : "inferred",
    rejectsByReason,
    balanced: problems.length === 0,
    problems,
  };
}

export function formatReconciliation(r: Reconciliation): string {
  const reasons = Object.entries(r.rejectsByReason)
    .map(([k, v]) => `${k}=${v}`)
    .join(", ");
  const dupNote = r.duplicatesFrom === "normalizer metrics" ? "from the normalizer's metrics" : "inferred: no metrics given";
  const lines = [
    `ingest:    read ${r.ingest.read} = published ${r.ingest.published} + rejected ${r.ingest.rejected}`,
    `normalize: consumed ${r.normalize.consumed} = clean ${r.normalize.clean} + rejected ${r.normalize.rejected} + duplicates ${r.normalize.duplicates}`,
  ];
  for (const feed of FEEDS) {
    const f = r.normalize.byFeed[feed];
    if (f.consumed === 0 && f.clean + f.rejected + f.duplicates === 0) continue;
    lines.push(
      `  ${feed.padEnd(8)} consumed ${f.consumed} = clean ${f.clean} + rejected ${f.rejected} (stale revisions ${f.stale}) + duplicates ${f.duplicates}`,
    );
  }
  lines.push(
    `duplicates: ${dupNote}`,
    `rejects:   ${reasons || "none"}`,
    `balanced:  ${r.balanced ? "yes" : `NO (${r.problems.join("; ")})`}`,
  );
  return lines.join("\n");
}

import { type IngestReport, ingestFile } from "@entrepot/ingestor";
import { consumerLag, createKafka, ensureTopics, type IncomingMessage, JsonProducer, type Kafka, readTopicToEnd } from "@entrepot/kafka";
import type { Logger } from "@entrepot/runtime";
import { HEADERS, Rejection, topicDefinitions, topicName } from "@entrepot/schemas";

/** What one ingest run became, stage by stage: in = clean + rejected at every stage. */
export interface Reconciliation {
  ingest: { read: number; published: number; rejected: number };
  normalize: { consumed: number; clean: number; rejected: number };
  rejectsByReason: Record<string, number>;
  balanced: boolean;
}

export async function createTopics(brokers: readonly string[], prefix: string, logger: Logger): Promise<string[]> {
  const kafka = createKafka({ brokers, clientId: "entrepot-cli", logger });
  return ensureTopics(kafka, topicDefinitions(prefix));
}

export async function ingest(
  kafka: Kafka,
  prefix: string,
  file: string,
  feed: "revenue" | "customs",
  onProgress?: (r: IngestReport) => void,
) {
  const producer = new JsonProducer(kafka);
  await producer.start();
  try {
    return await ingestFile({ producer, topicPrefix: prefix, file, feed, ...(onProgress ? { onProgress } : {}) });
  } finally {
    await producer.close();
  }
}

/** Waits until the normalizer group has consumed everything on the raw topic. */
export async function waitNormalized(kafka: Kafka, prefix: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const group = `${prefix}entrepot-normalizer`;
  for (;;) {
    if ((await consumerLag(kafka, group, [topicName(prefix, "revenueRaw")])) === 0) return;
    if (Date.now() > deadline) throw new Error(`normalizer still behind after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Reads the clean and reject topics of one ingest run and checks that the counts add up. */
export async function reconcile(kafka: Kafka, prefix: string, report: IngestReport): Promise<Reconciliation> {
  const [clean, rejects] = await Promise.all([
    readTopicToEnd(kafka, topicName(prefix, "revenueClean")),
    readTopicToEnd(kafka, topicName(prefix, "rejects")),
  ]);
  const ofRun = (m: IncomingMessage) => m.headers[HEADERS.ingestRun] === report.ingestRun;
  const runRejects = rejects.filter(ofRun).map((m) => Rejection.parse(JSON.parse(m.value ?? "")));
  const rejectsByReason: Record<string, number> = {};
  for (const r of runRejects) rejectsByReason[r.reason] = (rejectsByReason[r.reason] ?? 0) + 1;
  const normalizeRejected = runRejects.filter((r) => r.stage === "normalize").length;
  const cleanCount = clean.filter(ofRun).length;
  const ingestRejected = runRejects.filter((r) => r.stage === "ingest").length;
  return {
    ingest: { read: report.read, published: report.published, rejected: ingestRejected },
    normalize: { consumed: report.published, clean: cleanCount, rejected: normalizeRejected },
    rejectsByReason,
    balanced: report.read === report.published + ingestRejected && report.published === cleanCount + normalizeRejected,
  };
}

export function formatReconciliation(r: Reconciliation): string {
  const reasons = Object.entries(r.rejectsByReason)
    .map(([k, v]) => `${k}=${v}`)
    .join(", ");
  return [
    `ingest:    read ${r.ingest.read} = published ${r.ingest.published} + rejected ${r.ingest.rejected}`,
    `normalize: consumed ${r.normalize.consumed} = clean ${r.normalize.clean} + rejected ${r.normalize.rejected}`,
    `rejects:   ${reasons || "none"}`,
    `balanced:  ${r.balanced ? "yes" : "NO"}`,
  ].join("\n");
}

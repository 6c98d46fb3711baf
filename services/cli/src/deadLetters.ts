import { type IncomingMessage, type OutgoingMessage, REPLAY_OF_HEADER } from "@entrepot/kafka";
import { type Mapping, rawPartitionKey } from "@entrepot/normalize";
import { type Feed, HEADERS, Provenance, RawRecord, Rejection, topicName } from "@entrepot/schemas";
import { z } from "zod";

/** One message of rejects.v1 as an operator reads it. */
export interface DeadLetter {
  /** `<topic>:<partition>:<offset>` of the dead letter itself */
  id: string;
  partition: number;
  offset: string;
  /** when it was written (ISO) */
  at: string;
  stage: string;
  reason: string;
  message: string;
  file: string | undefined;
  line: number | undefined;
  /** the topic the rejected record was consumed from (normalize stage), from the Kafka Connect header */
  sourceTopic: string | undefined;
  /** the dead letter an earlier replay re-submitted, when this one came from a replay */
  replayOf: string | undefined;
  /** the rejection as on the topic; null when the value is not a rejection */
  rejection: Rejection | null;
}

export function deadLetterOf(m: IncomingMessage): DeadLetter {
  let json: unknown;
  try {
    json = JSON.parse(m.value ?? "");
  } catch {
    json = undefined;
  }
  const parsed = Rejection.safeParse(json);
  const r = parsed.success ? parsed.data : null;
  return {
    id: `${m.topic}:${m.partition}:${m.offset}`,
    partition: m.partition,
    offset: m.offset,
    at: new Date(Number(m.timestamp)).toISOString(),
    stage: r?.stage ?? m.headers[HEADERS.dlqStage] ?? "?",
    reason: r?.reason ?? m.headers[HEADERS.dlqReason] ?? "unparsable",
    message: r?.message ?? "the value is not a rejection",
    file: r?.provenance?.file,
    line: r?.provenance?.line,
    sourceTopic: m.headers[HEADERS.dlqTopic],
    replayOf: m.headers[REPLAY_OF_HEADER],
    rejection: r,
  };
}

export interface DeadLetterFilter {
  /** any of these reason codes */
  reasons?: readonly string[];
  /** written at or after (ms) */
  sinceMs?: number;
  /** the source file: its full path as ingested, or its name */
  file?: string;
  stage?: string;
}

export function matchesFilter(d: DeadLetter, f: DeadLetterFilter): boolean {
  if (f.reasons && f.reasons.length > 0 && !f.reasons.includes(d.reason)) return false;
  if (f.sinceMs !== undefined && Date.parse(d.at) < f.sinceMs) return false;
  if (f.stage !== undefined && d.stage !== f.stage) return false;
  if (f.file !== undefined && d.file !== f.file && !(d.file ?? "").endsWith(`/${f.file}`)) return false;
  return true;
}

/** One line per dead letter: where it came from, why, and the message. */
export function formatDeadLetter(d: DeadLetter): string {
  const replay = d.replayOf ? ` (replay of ${d.replayOf})` : "";
  return `${d.at} ${d.stage} ${d.reason} ${d.file ?? "?"}:${d.line ?? "?"}  ${d.message}${replay}`;
}

/** Keeps the last `size` items pushed: the latest N of a stream in bounded memory. */
export class LatestItems<T> {
  private readonly items: T[] = [];
  constructor(private readonly size: number) {}
  push(item: T): void {
    this.items.push(item);
    if (this.items.length > this.size) this.items.shift();
  }
  get values(): readonly T[] {
    return this.items;
  }
}

/**
 * A correction applied to the fields of dead letters before they are replayed: the `values` and
 * `constants` of a mapping file (its `columns` were applied when the file was ingested, so the
 * fields are canonical already), for the mapping's feed only.
 */
export function applyFix(fields: Readonly<Record<string, string>>, feed: Feed, fix: Mapping | undefined): Record<string, string> {
  if (!fix || fix.feed !== feed) return { ...fields };
  const out: Record<string, string> = { ...fields, ...fix.constants };
  for (const [field, map] of Object.entries(fix.values)) {
    const v = out[field];
    const replacement = v === undefined ? undefined : map[v.trim()];
    if (replacement !== undefined) out[field] = replacement;
  }
  return out;
}

export type ReplayPlan = { ok: true; message: OutgoingMessage; feed: Feed } | { ok: false; why: string };

const Fields = z.record(z.string(), z.string());

/**
 * The raw record a dead letter came from, re-submitted to its raw topic with its provenance
 * (source, file, line, ingest run: unchanged, so the clean record says where it came from), keyed
 * like the ingest keys raw records (`rawPartitionKey` of the fixed record), and a
 * `entrepot-replay-of` header (which the normalizer carries on to a new dead letter: a replay's dead
 * letters are skipped unless `includeReplays`, their originals stand for them). Only normalize-stage dead letters of a raw topic hold a raw record;
 * the others are skipped with the reason (an ingest-stage one: fix the file and ingest it again).
 * Replaying twice is harmless: the normalizer's revision gate drops the same fact as a duplicate.
 */
export function replayPlan(
  d: DeadLetter,
  prefix: string,
  options: { fix?: Mapping | undefined; includeReplays?: boolean } = {},
): ReplayPlan {
  const r = d.rejection;
  if (!r) return { ok: false, why: "not a rejection" };
  // replaying the original again re-submits the same record: replays of replays would only multiply
  if (d.replayOf && !options.includeReplays) return { ok: false, why: "dead letters of an earlier replay (their originals are replayed)" };
  if (r.stage !== "normalize") return { ok: false, why: `${r.stage}-stage dead letter (fix the source file and ingest it again)` };
  if (r.reason === "stale_revision") return { ok: false, why: "stale revision (a newer one is published)" };
  const feed: Feed | undefined =
    d.sourceTopic === topicName(prefix, "revenueRaw")
      ? "revenue"
      : d.sourceTopic === topicName(prefix, "customsRaw")
        ? "customs"
        : undefined;
  if (!feed) return { ok: false, why: `not from a raw topic under this prefix (${d.sourceTopic ?? "no source topic header"})` };
  const fields = Fields.safeParse(r.raw);
  const provenance = Provenance.safeParse(r.provenance);
  if (!fields.success || !provenance.success) return { ok: false, why: "the dead letter holds no raw record (bad JSON or schema)" };
  const raw = RawRecord.parse({ schemaVersion: 1, feed, provenance: provenance.data, fields: applyFix(fields.data, feed, options.fix) });
  return {
    ok: true,
    feed,
    message: {
      topic: topicName(prefix, feed === "revenue" ? "revenueRaw" : "customsRaw"),
      // keyed as the ingest keys it (after the fix): on the partition of its fact's other revisions
      key: rawPartitionKey(raw),
      value: raw,
      headers: { [HEADERS.schemaVersion]: "1", [HEADERS.ingestRun]: raw.provenance.ingestRun, [REPLAY_OF_HEADER]: d.id },
    },
  };
}

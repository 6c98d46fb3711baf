import { RawRecord, type ReasonCode, type Rejection } from "@entrepot/schemas";
import { type CleanRecord, type NormalizeOptions, normalizeRecord } from "./normalizeRecord";
import { plainRawRecord } from "./rawRecordCheck";
import type { Problem } from "./result";
import { naturalKey, RevisionGate } from "./revisionGate";
import type { RevisionStore } from "./revisionStore";

/** A raw record decoded from a message, or why it is none (with what was received, for the dead letter). */
export type DecodedRaw = { ok: true; raw: RawRecord } | { ok: false; problem: Problem; raw: unknown };

/**
 * A raw topic message's value (JSON text) -> a raw record, or a `bad_json` / `schema_violation`
 * problem. A plainly valid record (`plainRawRecord`) skips the schema's general parse.
 */
export function decodeRawRecord(text: string | null): DecodedRaw {
  let json: unknown;
  try {
    json = JSON.parse(text ?? "");
  } catch (err) {
    return { ok: false, problem: { reason: "bad_json", message: `message is not JSON: ${(err as Error).message}` }, raw: text };
  }
  const plain = plainRawRecord(json);
  if (plain) return { ok: true, raw: plain };
  const parsed = RawRecord.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return {
      ok: false,
      problem: { reason: "schema_violation", message: `raw record: ${issue?.path.join(".")}: ${issue?.message}` },
      raw: json,
    };
  }
  return { ok: true, raw: parsed.data };
}

/** What became of one raw input. */
export type StageOutcome =
  /** a new key or a newer revision: goes to the compacted clean topic under `key` */
  | { outcome: "clean"; fact: CleanRecord; key: string }
  /** the same fact as the published revision: dropped, only counted */
  | { outcome: "duplicate"; fact: CleanRecord; key: string }
  /** dead-lettered at the normalize stage; an older revision arriving late is `stale_revision` */
  | { outcome: "rejected"; reason: ReasonCode; rejection: Rejection };

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

const rejected = (r: Rejection): StageOutcome => ({ outcome: "rejected", reason: r.reason, rejection: r });

export interface NormalizeStageOptions {
  /** the latest revision published per key: Redis for the normalizer service, memory offline */
  revisions: RevisionStore;
  /** FX rates and the other normalization options (`normalizeOptions(env)` gives the configured ones) */
  normalize?: NormalizeOptions | undefined;
}

/**
 * One batch through the stage: its outcomes, and `commit` to record its published revisions once
 * its outputs were written (a batch whose outputs were not is never committed: consumed again, its
 * facts are still new).
 */
export interface StageBatch {
  outcomes: StageOutcome[];
  commit(): Promise<void>;
}

/**
 * The normalize stage, one code path for the normalizer service (raw topics in, revisions in
 * Redis) and the offline commands (files in, revisions in memory): raw records -> clean facts
 * that are new or newer revisions, duplicates (dropped), or dead letters (problems, and older
 * revisions arriving late as `stale_revision`). Earlier inputs of a batch count as published for
 * later ones. One batch at a time: a batch decides against the revisions recorded by the
 * commits before it.
 */
export class NormalizeStage {
  private readonly gate: RevisionGate;
  private last: StageBatch | undefined;

  constructor(private readonly options: NormalizeStageOptions) {
    this.gate = new RevisionGate(options.revisions);
  }

  async processBatch(inputs: readonly DecodedRaw[]): Promise<StageBatch> {
    const normalized = inputs.map((input): { fact: CleanRecord } | { rejection: Rejection } => {
      if (!input.ok) return { rejection: rejection(input.problem, input.raw) };
      const result = normalizeRecord(input.raw, this.options.normalize);
      return result.ok ? { fact: result.record } : { rejection: rejection(result.problem, input.raw.fields, input.raw.provenance) };
    });
    const keyed = normalized.flatMap((n) => ("fact" in n ? [{ fact: n.fact, key: naturalKey(n.fact) }] : []));
    const { decisions, pending } = await this.gate.decide(keyed);
    let d = 0;
    const outcomes = normalized.map((n): StageOutcome => {
      if ("rejection" in n) return rejected(n.rejection);
      const { decision, key, previousAsOf } = decisions[d++] as (typeof decisions)[number];
      if (decision === "duplicate") return { outcome: "duplicate", fact: n.fact, key };
      if (decision === "stale") {
        const message = `${key} as of ${n.fact.record.asOf} is older than the published revision as of ${previousAsOf}; ignored`;
        return rejected(rejection({ reason: "stale_revision", message }, n.fact.record, n.fact.record.provenance));
      }
      return { outcome: "clean", fact: n.fact, key };
    });
    return { outcomes, commit: () => this.gate.commit(pending) };
  }

  /** One batch at a time (offline): `processBatch`, its `commit` left to `commit()`. */
  async process(inputs: readonly DecodedRaw[]): Promise<StageOutcome[]> {
    this.last = await this.processBatch(inputs);
    return this.last.outcomes;
  }

  /**
   * Records the revisions of the clean outcomes of the last `process()` in the store. Call after
   * those were written (acknowledged); a batch whose outputs failed is simply processed again.
   */
  async commit(): Promise<void> {
    const last = this.last;
    this.last = undefined;
    await last?.commit();
  }
}

/** Outcome counts: consumed = clean + rejected + duplicates (stale revisions are rejected as `stale_revision`). */
export interface BatchCounts {
  consumed: number;
  clean: number;
  rejected: number;
  duplicates: number;
  stale: number;
}

export function batchCounts(outcomes: readonly StageOutcome[]): BatchCounts {
  const count = (test: (o: StageOutcome) => boolean) => outcomes.filter(test).length;
  return {
    consumed: outcomes.length,
    clean: count((o) => o.outcome === "clean"),
    rejected: count((o) => o.outcome === "rejected"),
    duplicates: count((o) => o.outcome === "duplicate"),
    stale: count((o) => o.outcome === "rejected" && o.reason === "stale_revision"),
  };
}

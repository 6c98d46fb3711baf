import { SharesStore } from "@entrepot/delivery";
import {
  customsCompositions,
  DEFAULT_RULES,
  type DueScope,
  detectCompany,
  detectMirrorGaps,
  detectReexportSurges,
  type RulesConfig,
  reconcileAlerts,
  SettleClock,
} from "@entrepot/detect";
import { ConsumerRunner, deadLetter, JsonProducer, type Kafka, type TopicMessage, TopicWriter } from "@entrepot/kafka";
import type { Logger, Metrics } from "@entrepot/runtime";
import {
  type Alert,
  type Composition,
  type CustomsClean,
  consumerGroupId,
  HEADERS,
  parseTopicValue,
  type Rejection,
  type RevenueClean,
  topicName,
  topicsReadBy,
} from "@entrepot/schemas";
import type { Redis } from "ioredis";
import { type CustomsScope, DetectorState, type DirtyMarks, matchesPrefixes, scopeKind } from "./detectorState";

/** The watched companies whose billing-vs-shipping and corroboration rules a customs fact can change. */
export function companiesTouchedBy(r: CustomsClean, rules: RulesConfig): string[] {
  return rules.watchList
    .filter(
      (w) => matchesPrefixes(r.hs6, w.hsCodes) && ((r.flow === "import" && w.origins.includes(r.partner)) || w.hubs.includes(r.reporter)),
    )
    .map((w) => w.company);
}

/**
 * How recent (ms) the newest clean record handled must be for the detector to count as live while
 * not read to the end: behind a steady stream it handles records produced moments ago; working
 * through a backlog (a restart, a backfill) it handles old ones, and waits to judge them whole.
 */
const LIVE_INPUT_AGE_MS = 2000;

/** scopes evaluated together (their Redis round trips at once, their outputs in one produce request) */
const EVALUATION_GROUP = 32;

/** Customs scopes a fact belongs to: its HS6 (mirror gaps) and, for watched goods, its reporter (re-export surges). */
export function customsScopesOf(r: CustomsClean, rules: RulesConfig): CustomsScope[] {
  const scopes: CustomsScope[] = [];
  if (r.hs6 !== "TOTAL") scopes.push(`hs6:${r.hs6}`);
  if (matchesPrefixes(r.hs6, rules.reexportSurge.hsPrefixes)) scopes.push(`reporter:${r.reporter}`);
  return scopes;
}

/**
 * The pure evaluation of one scope on the state in Redis: a company (revenue rules, and for a
 * watched company divergence + corroboration with the customs of its goods), an HS6 code (mirror
 * gaps) or a reporter (re-export surges, and its exports by partner and imports by origin of the
 * watched goods as compositions). Shared by the live detector and the rebuild.
 */
export async function evaluateScope(
  state: DetectorState,
  scope: string,
  rules: RulesConfig,
  now: string,
): Promise<{ changes: Alert[]; compositions: ReturnType<typeof detectCompany>["compositions"] }> {
  if (scope.startsWith("hs6:")) {
    const drafts = detectMirrorGaps(await state.customsByHs6(scope.slice(4)), rules.mirrorGap);
    return { changes: reconcileAlerts(await state.alerts(scope), drafts, now), compositions: [] };
  }
  if (scope.startsWith("reporter:")) {
    // a reporter's trade in the watched goods: its exports by partner and imports by origin go to shares.v1
    const { hsPrefixes, group } = rules.reexportSurge;
    const records = await state.customsOfReporter(scope.slice(9), hsPrefixes);
    const compositions = (["export", "import"] as const).flatMap((flow) => customsCompositions(records, { hsPrefixes, flow, group }));
    const drafts = detectReexportSurges(records, rules.reexportSurge);
    return { changes: reconcileAlerts(await state.alerts(scope), drafts, now), compositions };
  }
  const watched = rules.watchList.filter((w) => w.company === scope);
  const customs = watched.length > 0 ? await state.customsOfGoods([...new Set(watched.flatMap((w) => w.hsCodes))]) : [];
  const { compositions, drafts } = detectCompany(await state.facts(scope), customs, rules);
  return { changes: reconcileAlerts(await state.alerts(scope), drafts, now), compositions };
}

export interface DetectorOptions {
  kafka: Kafka;
  redis: Redis;
  topicPrefix: string;
  logger: Logger;
  metrics: Metrics;
  /** rules and thresholds (a parsed rules file); defaults otherwise */
  rules?: RulesConfig;
  /**
   * A company is evaluated once no new fact for it arrived for this long, so that a filing
   * whose rows arrive over several batches is judged whole, not region by region.
   */
  settleMs?: number;
  /** evaluate dirty scopes at the latest this long after the first new fact, even if the consumer is still behind (default max(30 s, 10 x settleMs)) */
  maxDeferMs?: number;
  groupId?: string;
  onCrash?: (err: Error) => void;
}

export interface DetectorHandle {
  ready(): boolean;
  close(): Promise<void>;
}

/**
 * clean revenue + clean customs -> shares.v1 + alerts.v1. Facts go to Redis (revenue per company,
 * customs per reporter and HS6, latest revision) and the scopes they touch are marked dirty before
 * offsets are committed (a company; for customs its HS6 code, its reporter when the goods are
 * watched, and the watched companies whose goods it concerns); dirty scopes are evaluated after
 * `settleMs` of quiet, and on start (so a restart finishes what was pending).
 */
export async function startDetector(options: DetectorOptions): Promise<DetectorHandle> {
  const { kafka, redis, topicPrefix, logger, metrics } = options;
  const rules = options.rules ?? DEFAULT_RULES;
  const settleMs = options.settleMs ?? 1000;
  const state = new DetectorState(redis, topicPrefix);
  // the read model of the API's dashboard and GET /v1/shares (the latest composition of each series and period)
  const shares = new SharesStore(redis, topicPrefix);
  const stage = metrics.stage("detect");
  const producer = new JsonProducer(kafka);
  await producer.start();
  const out = new TopicWriter(producer, topicPrefix);

  // keys from the catalog: entity|period for shares, the alert id for alerts
  const headers = { [HEADERS.schemaVersion]: "1" };
  const shareMessage = (c: Composition): TopicMessage => ({ topic: "shares", value: c, headers });
  const alertMessage = (a: Alert): TopicMessage => ({ topic: "alerts", value: a, headers });

  /** A dirty scope, the marks it is dirty in (companies, or customs scopes), and when its first new fact arrived (when known). */
  type Dirty = { scope: string; marks: DirtyMarks<string>; firstTouched?: number };

  // how the evaluations keep up (docs/operations.md): scopes waiting, how long they waited, groups' durations
  const observeWait = metrics.histogram(
    "entrepot_detector_scope_wait_seconds",
    "seconds from a scope's first new clean record to the start of its evaluation, by kind (company, hs6, reporter)",
    [0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300],
    ["kind"],
  );
  const observeGroup = metrics.histogram(
    "entrepot_detector_evaluation_seconds",
    "seconds to evaluate one group of scopes together, outputs acknowledged",
    [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  );
  const countEvaluated = metrics.counter("entrepot_detector_scopes_evaluated_total", "scopes evaluated, by kind (company, hs6, reporter)", [
    "kind",
  ]);
  metrics.gauge("entrepot_detector_pending_scopes", "scopes with new clean records not yet evaluated", () => clock.pending);

  /**
   * Evaluates dirty scopes (companies or customs scopes) together, each as if alone: per scope it
   * takes the generation before reading the facts, notes what it publishes, publishes (the alert
   * changes, and the compositions that differ from the ones in the shares read model), stores,
   * then clears the dirty mark unless it was marked again meanwhile. Together: one produce request for
   * the group (the producer sends one request at a time, so one per scope was the detector's limit).
   */
  const evaluate = async (group: readonly Dirty[]): Promise<void> => {
    const started = Date.now();
    for (const d of group) if (d.firstTouched !== undefined) observeWait((started - d.firstTouched) / 1000, { kind: scopeKind(d.scope) });
    const taken = await Promise.all(
      group.map(async (d) => ({ ...d, generation: await d.marks.generation(d.scope), unfinished: await state.unfinishedPublish(d.scope) })),
    );
    // evaluated meanwhile (by the close-time pass, or another member of the group): nothing new to judge
    const live = taken.filter((t) => t.generation !== null);
    // an evaluation stopped between its publish and its store (killed): finish it, so the alerts it
    // may have published are known and retracted below if they no longer hold
    const interrupted = live.filter((t) => t.unfinished.length > 0);
    if (interrupted.length > 0) {
      await out.send(interrupted.flatMap((t) => t.unfinished.map(alertMessage)));
      await Promise.all(interrupted.map((t) => state.putAlerts(t.scope, t.unfinished)));
    }
    const now = new Date().toISOString();
    const evaluated = await Promise.all(live.map(async (t) => ({ ...t, ...(await evaluateScope(state, t.scope, rules, now)) })));
    // a scope's compositions are all recomputed; only those that differ from the ones published go out again
    const [fresh] = await Promise.all([
      shares.changed(evaluated.flatMap((e) => e.compositions)),
      ...evaluated.map((e) => state.beginPublish(e.scope, e.changes)),
    ]);
    await out.send([...fresh.map(shareMessage), ...evaluated.flatMap((e) => e.changes.map(alertMessage))]);
    await Promise.all([shares.put(fresh), ...evaluated.map((e) => state.putAlerts(e.scope, e.changes))]);
    await Promise.all(evaluated.map((e) => e.marks.clear(e.scope, e.generation)));
    const published = new Set(fresh);
    for (const { scope, compositions, changes } of evaluated) {
      const changedPeriods = compositions.filter((c) => published.has(c)).length;
      stage.out("shares", changedPeriods);
      stage.out("alerts", changes.length);
      for (const a of changes) metrics.alerts.inc({ rule: a.rule, severity: a.severity, status: a.status });
      logger.info({ scope, periods: compositions.length, changedPeriods, alerts: changes.length }, "evaluated scope");
      countEvaluated({ kind: scopeKind(scope) });
    }
    observeGroup((Date.now() - started) / 1000);
  };

  let closing: Promise<void> | undefined;
  // evaluation passes run one at a time, in order (the close-time pass after the last timed one)
  let chain: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  const enqueue = (work: () => Promise<void>): Promise<void> => {
    chain = chain.then(work);
    chain.catch((err: unknown) => {
      logger.error({ err }, "evaluation failed");
      options.onCrash?.(err as Error);
    });
    return chain;
  };
  const evaluateAll = async (dirty: readonly Dirty[]) => {
    for (let i = 0; i < dirty.length; i += EVALUATION_GROUP) await evaluate(dirty.slice(i, i + EVALUATION_GROUP));
  };
  const evaluateDirty = (): Promise<void> =>
    enqueue(async () => {
      await evaluateAll((await state.dirty.list()).map((scope) => ({ scope, marks: state.dirty })));
      await evaluateAll((await state.customsDirty.list()).map((scope) => ({ scope, marks: state.customsDirty as DirtyMarks<string> })));
    });
  // Each dirty scope is evaluated after `settleMs` without new facts for it, once the consumer has
  // caught up with its input: a backlog (a backfill, a restart, a broker back after an outage) is
  // judged once, whole, instead of on a partial history whose alerts would be retracted later. A
  // scope is evaluated at the latest `maxDeferMs` after its first new fact, caught up or not. While
  // a pass runs, new facts accumulate: a scope touched by several batches meanwhile is evaluated once.
  const maxDeferMs = options.maxDeferMs ?? Math.max(30_000, settleMs * 10);
  const clock = new SettleClock(settleMs, maxDeferMs);
  const REVENUE = "r\u0000";
  const CUSTOMS = "c\u0000";
  const dirtyOf = ({ scope: key, firstTouched }: DueScope): Dirty => ({
    scope: key.slice(REVENUE.length),
    marks: key.startsWith(REVENUE) ? state.dirty : (state.customsDirty as DirtyMarks<string>),
    firstTouched,
  });
  let passing = false;
  const pass = async () => {
    passing = true;
    try {
      // live: read to the end, or handling records produced moments ago (a steady stream)
      const due = clock.due(Date.now(), runner.caughtUp() || runner.inputAgeMs() <= LIVE_INPUT_AGE_MS);
      await enqueue(() => evaluateAll(due.map(dirtyOf)));
    } catch {
      // reported by enqueue (the process is told to exit)
    } finally {
      passing = false;
      arm();
    }
  };
  const arm = () => {
    clearTimeout(timer);
    if (passing || closing) return; // the pass arms when it ends; once closing, the close-time pass does the rest
    const wake = clock.nextWake(Date.now());
    if (wake !== undefined) timer = setTimeout(() => void pass(), wake);
  };
  const touch = (companies: Iterable<string>, customsScopes: Iterable<string>) => {
    const now = Date.now();
    clock.touch(
      [...companies].map((c) => REVENUE + c),
      now,
    );
    clock.touch(
      [...customsScopes].map((c) => CUSTOMS + c),
      now,
    );
    arm();
  };

  const runner = new ConsumerRunner({
    kafka,
    groupId: options.groupId ?? consumerGroupId(topicPrefix, "detector"),
    topics: topicsReadBy(topicPrefix, "detector"),
    logger,
    metrics: { metrics, stage: "detect" },
    ...(options.onCrash ? { onCrash: options.onCrash } : {}),
    handleBatch: async (messages) => {
      const records: RevenueClean[] = [];
      const customs: CustomsClean[] = [];
      const rejects: TopicMessage<"rejects">[] = [];
      const customsTopic = topicName(topicPrefix, "customsClean");
      for (const m of messages) {
        const isCustoms = m.topic === customsTopic;
        stage.in(isCustoms ? "customs" : "revenue");
        const parsed = isCustoms ? parseTopicValue("customsClean", m.value) : parseTopicValue("revenueClean", m.value);
        if (parsed.ok) {
          if (isCustoms) customs.push(parsed.value as CustomsClean);
          else records.push(parsed.value as RevenueClean);
          continue;
        }
        const value: Rejection = {
          schemaVersion: 1,
          stage: "detect",
          reason: "schema_violation",
          message: `clean record does not match ${isCustoms ? "CustomsClean" : "RevenueClean"}: ${parsed.issue?.message ?? "invalid"}`,
          raw: m.value,
          rejectedAt: new Date().toISOString(),
        };
        rejects.push(deadLetter(m, value));
        stage.rejected(isCustoms ? "customs" : "revenue", value.reason);
      }
      await out.send(rejects);
      await state.putFacts(records);
      const changedCustoms = await state.putCustomsFacts(customs);
      const customsScopes = changedCustoms.flatMap((r) => customsScopesOf(r, rules));
      const companies = [...new Set([...records.map((r) => r.company), ...changedCustoms.flatMap((r) => companiesTouchedBy(r, rules))])];
      await state.customsDirty.mark(customsScopes);
      await state.dirty.mark(companies);
      touch(companies, customsScopes);
    },
  });
  await runner.start();
  // what was dirty before a restart: evaluated as if its facts had just arrived
  touch(await state.dirty.list(), await state.customsDirty.list());

  return {
    ready: () => runner.ready(),
    close: () => {
      closing ??= (async () => {
        await runner.close();
        clearTimeout(timer);
        await evaluateDirty().catch(() => undefined);
        await producer.close();
      })();
      return closing;
    },
  };
}

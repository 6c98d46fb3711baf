import { DEFAULT_RULES, detectAll, entityKey, type RulesConfig, reconcileAlerts, revenueCompositions } from "@entrepot/detect";
import { ConsumerRunner, deadLetter, JsonProducer, type Kafka, type OutgoingMessage } from "@entrepot/kafka";
import type { Logger, Metrics } from "@entrepot/runtime";
import { HEADERS, type Rejection, RevenueClean, topicName } from "@entrepot/schemas";
import type { Redis } from "ioredis";
import { DetectorState } from "./detectorState";

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
  groupId?: string;
  onCrash?: (err: Error) => void;
}

export interface DetectorHandle {
  ready(): boolean;
  close(): Promise<void>;
}

/**
 * clean revenue -> shares.v1 + alerts.v1. Facts go to Redis (per company, latest revision)
 * and the company is marked dirty before offsets are committed; dirty companies are evaluated
 * after `settleMs` of quiet, and on start (so a restart finishes what was pending).
 */
export async function startDetector(options: DetectorOptions): Promise<DetectorHandle> {
  const { kafka, redis, topicPrefix, logger, metrics } = options;
  const rules = options.rules ?? DEFAULT_RULES;
  const settleMs = options.settleMs ?? 1000;
  const state = new DetectorState(redis, topicPrefix);
  const alertsOut = metrics.counter("entrepot_detector_alerts_total", "alerts published, by rule and status");
  const rejectedOut = metrics.counter("entrepot_detector_rejected_total", "clean records that failed validation");
  const producer = new JsonProducer(kafka);
  await producer.start();

  const evaluateCompany = async (company: string): Promise<void> => {
    const compositions = revenueCompositions(await state.facts(company), rules.compositions);
    const out: OutgoingMessage[] = compositions.map((c) => ({
      topic: topicName(topicPrefix, "shares"),
      key: `${entityKey(c.entity)}|${c.period}`,
      value: c,
      headers: { [HEADERS.schemaVersion]: "1" },
    }));
    const changes = reconcileAlerts(await state.alerts(company), detectAll(compositions, rules), new Date().toISOString());
    for (const a of changes) {
      out.push({ topic: topicName(topicPrefix, "alerts"), key: a.alertId, value: a, headers: { [HEADERS.schemaVersion]: "1" } });
    }
    await producer.send(out);
    await state.putAlerts(company, changes);
    await state.clearDirty(company);
    for (const a of changes) alertsOut({ rule: a.rule, status: a.status });
    logger.info({ company, periods: compositions.length, alerts: changes.length }, "evaluated company");
  };

  // evaluations run one at a time, in order
  let chain: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  const evaluateDirty = (): Promise<void> => {
    chain = chain.then(async () => {
      for (const company of await state.dirty()) await evaluateCompany(company);
    });
    chain.catch((err: unknown) => {
      logger.error({ err }, "evaluation failed");
      options.onCrash?.(err as Error);
    });
    return chain;
  };
  const schedule = () => {
    clearTimeout(timer);
    timer = setTimeout(() => void evaluateDirty().catch(() => undefined), settleMs);
  };

  const runner = new ConsumerRunner({
    kafka,
    groupId: options.groupId ?? `${topicPrefix}entrepot-detector`,
    topics: [topicName(topicPrefix, "revenueClean")],
    logger,
    ...(options.onCrash ? { onCrash: options.onCrash } : {}),
    handleBatch: async (messages) => {
      const records: RevenueClean[] = [];
      const rejects: OutgoingMessage[] = [];
      for (const m of messages) {
        const parsed = RevenueClean.safeParse(safeJson(m.value));
        if (parsed.success) {
          records.push(parsed.data);
          continue;
        }
        const value: Rejection = {
          schemaVersion: 1,
          stage: "detect",
          reason: "schema_violation",
          message: `clean record does not match RevenueClean: ${parsed.error.issues[0]?.message ?? "invalid"}`,
          raw: m.value,
          rejectedAt: new Date().toISOString(),
        };
        rejects.push(deadLetter(m, value, topicPrefix));
        rejectedOut();
      }
      await producer.send(rejects);
      await state.putFacts(records);
      await state.markDirty([...new Set(records.map((r) => r.company))]);
      if (records.length > 0) schedule();
    },
  });
  await runner.start();
  if ((await state.dirty()).length > 0) schedule();

  let closing: Promise<void> | undefined;
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

function safeJson(text: string | null): unknown {
  try {
    return JSON.parse(text ?? "");
  } catch {
    return text;
  }
}

import { DEFAULT_RULES, type RulesConfig } from "@entrepot/detect";
import { type Kafka, readTopicToEnd } from "@entrepot/kafka";
import type { Logger } from "@entrepot/runtime";
import { Alert, CustomsClean, RevenueClean, topicName } from "@entrepot/schemas";
import type { Redis } from "ioredis";
import { customsScopesOf, evaluateScope } from "./detector";
import { alertScope, DetectorState, scopeKind } from "./detectorState";

export interface RebuildOptions {
  kafka: Kafka;
  redis: Redis;
  topicPrefix: string;
  logger: Logger;
  rules?: RulesConfig;
  timeoutMs?: number;
}

export interface RebuildReport {
  /** clean revenue records read from the compacted clean topic */
  records: number;
  /** clean customs records read from the compacted customs clean topic */
  customsRecords: number;
  /** records that failed validation (already dead-lettered by the live detector; counted, skipped) */
  invalid: number;
  /** alerts read back from the compacted alerts topic */
  publishedAlerts: number;
  companies: number;
  /** customs scopes (HS6 codes, reporters) re-evaluated */
  customsScopes: number;
  /** alerts whose state the replay recomputed (fired/updated/retracted/resolved), not published */
  recomputed: number;
}

/**
 * Rebuilds the detector's Redis state from the compacted topics, in replay mode: facts from
 * `revenue.clean.v1` and `customs.clean.v1` (latest revision wins), the published alerts from `alerts.v1` (latest per
 * id), then every company and customs scope is re-evaluated and the recomputed alerts are stored WITHOUT being
 * published, so nobody is notified again. The next live evaluation publishes only real changes.
 * Run it with the detector stopped.
 */
export async function rebuildDetectorState(options: RebuildOptions): Promise<RebuildReport> {
  const { kafka, redis, topicPrefix, logger } = options;
  const rules = options.rules ?? DEFAULT_RULES;
  const state = new DetectorState(redis, topicPrefix);
  const messages = await readTopicToEnd(kafka, topicName(topicPrefix, "revenueClean"), options.timeoutMs);
  const records: RevenueClean[] = [];
  let invalid = 0;
  for (const m of messages) {
    const parsed = RevenueClean.safeParse(parseJson(m.value));
    if (parsed.success) records.push(parsed.data);
    else invalid++;
  }
  const customs: CustomsClean[] = [];
  for (const m of await readTopicToEnd(kafka, topicName(topicPrefix, "customsClean"), options.timeoutMs)) {
    const parsed = CustomsClean.safeParse(parseJson(m.value));
    if (parsed.success) customs.push(parsed.data);
    else invalid++;
  }
  const latestAlerts = new Map<string, Alert>();
  for (const m of await readTopicToEnd(kafka, topicName(topicPrefix, "alerts"), options.timeoutMs)) {
    const parsed = Alert.safeParse(parseJson(m.value));
    if (!parsed.success) continue;
    const prev = latestAlerts.get(parsed.data.alertId);
    if (!prev || parsed.data.revision >= prev.revision) latestAlerts.set(parsed.data.alertId, parsed.data);
  }
  await state.putFacts(records);
  await state.putCustomsFacts(customs);
  const companies = [...new Set([...records.map((r) => r.company), ...[...latestAlerts.values()].map((a) => a.entity.company ?? "")])]
    .filter(Boolean)
    .sort();
  const customsScopes = [
    ...new Set([
      ...customs.flatMap((r) => customsScopesOf(r, rules)),
      ...[...latestAlerts.values()].map(alertScope).filter((s) => scopeKind(s) !== "company"),
    ]),
  ].sort();
  let recomputed = 0;
  const now = new Date().toISOString();
  for (const scope of [...companies, ...customsScopes]) {
    const stored = await state.alerts(scope);
    for (const a of latestAlerts.values()) {
      const known = stored.get(a.alertId);
      if (alertScope(a) === scope && (!known || a.revision > known.revision)) stored.set(a.alertId, a);
    }
    await state.putAlerts(scope, [...stored.values()]);
    const { changes } = await evaluateScope(state, scope, rules, now);
    await state.putAlerts(scope, changes);
    if (scopeKind(scope) !== "company") await state.customsDirty.clear(scope as `hs6:${string}`);
    else await state.dirty.clear(scope);
    recomputed += changes.length;
  }
  const report = {
    records: records.length,
    customsRecords: customs.length,
    invalid,
    publishedAlerts: latestAlerts.size,
    companies: companies.length,
    customsScopes: customsScopes.length,
    recomputed,
  };
  logger.info(report, "detector state rebuilt (replay mode: nothing published)");
  return report;
}

function parseJson(text: string | null): unknown {
  try {
    return JSON.parse(text ?? "");
  } catch {
    return undefined;
  }
}

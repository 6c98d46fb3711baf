import { pipelineReplies, redisScript, runScript } from "@entrepot/runtime";
import { Alert, CustomsClean, customsCleanKey, RevenueClean, revenueCleanKey } from "@entrepot/schemas";
import type { Redis } from "ioredis";

/** Customs evaluation scopes: an HS6 code (mirror gaps) or a reporter (re-export surges). */
export type CustomsScope = `hs6:${string}` | `reporter:${string}`;

/** The kind of an evaluation scope: a company, an HS6 code (`hs6:<code>`) or a reporter (`reporter:<iso2>`). */
export const scopeKind = (scope: string): "company" | "hs6" | "reporter" =>
  scope.startsWith("hs6:") ? "hs6" : scope.startsWith("reporter:") ? "reporter" : "company";

/** The scope whose alerts an alert belongs to: a company, or a customs scope. */
export function alertScope(a: Pick<Alert, "rule" | "entity">): string {
  if (a.rule === "mirror_gap" && a.entity.hs) return `hs6:${a.entity.hs}`;
  if (a.rule === "reexport_surge" && a.entity.reporter) return `reporter:${a.entity.reporter}`;
  return a.entity.company ?? "";
}

/** Per compaction key the record with the latest `asOf` (equal: the last one read wins, as offline). */
function latestPerKey<T extends { asOf: string }>(records: readonly T[], keyOf: (r: T) => string): Map<string, T> {
  const latest = new Map<string, T>();
  for (const r of records) {
    const k = keyOf(r);
    const prev = latest.get(k);
    if (!prev || r.asOf >= prev.asOf) latest.set(k, r);
  }
  return latest;
}

/**
 * Detector state in Redis. Revenue: per company, the latest revision of each clean fact.
 * Customs: per reporter and HS6 code, the latest revision of each fact, with indexes
 * (reporters of an HS6, HS6 codes of a reporter). Alerts already published, per scope (a company,
 * `hs6:<code>` or `reporter:<iso2>`). Rebuildable by replaying the compacted clean topics.
 */
export class DetectorState {
  /** companies with facts not yet evaluated */
  readonly dirty: DirtyMarks<string>;
  /** customs scopes with facts not yet evaluated */
  readonly customsDirty: DirtyMarks<CustomsScope>;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {
    this.dirty = new DirtyMarks(redis, `${prefix}entrepot:detector:dirty-generations`);
    this.customsDirty = new DirtyMarks(redis, `${prefix}entrepot:detector:dirty-customs-generations`);
  }

  private factsKey(company: string) {
    return `${this.prefix}entrepot:detector:revenue:${company}`;
  }
  private alertsKey(company: string) {
    return `${this.prefix}entrepot:detector:alerts:${company}`;
  }

  /** Stores facts, keeping for each natural key the one with the latest `asOf`. */
  async putFacts(records: readonly RevenueClean[]): Promise<void> {
    const newer = await this.notOlderThanStored(latestPerKey(records, revenueCleanKey), (r) => this.factsKey(r.company), RevenueClean);
    if (newer.length === 0) return;
    const write = this.redis.pipeline();
    for (const { hash, field, record } of newer) write.hset(hash, field, JSON.stringify(record));
    await pipelineReplies(write);
  }

  /**
   * Of each key's record, those not older than the version the hash `hashOf(record)` holds (read in
   * one pipeline), with that stored text.
   */
  private async notOlderThanStored<T extends { asOf: string }>(
    latest: ReadonlyMap<string, T>,
    hashOf: (r: T) => string,
    schema: { parse(value: unknown): T },
  ): Promise<{ hash: string; field: string; record: T; storedText: unknown }[]> {
    if (latest.size === 0) return [];
    const entries = [...latest].map(([field, record]) => ({ hash: hashOf(record), field, record }));
    const read = this.redis.pipeline();
    for (const { hash, field } of entries) read.hget(hash, field);
    const storedTexts = await pipelineReplies(read);
    return entries.flatMap((e, i) => {
      const storedText = storedTexts[i];
      const stored = typeof storedText === "string" ? schema.parse(JSON.parse(storedText)) : undefined;
      return stored && e.record.asOf < stored.asOf ? [] : [{ ...e, storedText }];
    });
  }

  private customsKey(reporter: string, hs6: string) {
    return `${this.prefix}entrepot:detector:customs:${reporter}:${hs6}`;
  }
  private hs6ReportersKey(hs6: string) {
    return `${this.prefix}entrepot:detector:customs-reporters:${hs6}`;
  }
  private reporterHs6Key(reporter: string) {
    return `${this.prefix}entrepot:detector:customs-hs6:${reporter}`;
  }
  private allHs6Key() {
    return `${this.prefix}entrepot:detector:customs-hs6-all`;
  }

  /**
   * Stores customs facts per reporter and HS6, keeping for each compaction key the one with the
   * latest `asOf` (equal: the last one read wins, as offline). Returns the facts that changed the state.
   */
  async putCustomsFacts(records: readonly CustomsClean[]): Promise<CustomsClean[]> {
    const newer = await this.notOlderThanStored(
      latestPerKey(records, customsCleanKey),
      (r) => this.customsKey(r.reporter, r.hs6),
      CustomsClean,
    );
    const write = this.redis.pipeline();
    const changed: CustomsClean[] = [];
    for (const { hash, field, record: r, storedText } of newer) {
      const text = JSON.stringify(r);
      if (storedText === text) continue;
      write.hset(hash, field, text);
      write.sadd(this.hs6ReportersKey(r.hs6), r.reporter);
      write.sadd(this.reporterHs6Key(r.reporter), r.hs6);
      write.sadd(this.allHs6Key(), r.hs6);
      changed.push(r);
    }
    if (changed.length > 0) await pipelineReplies(write);
    return changed;
  }

  private async readCustoms(pairs: ReadonlyArray<readonly [string, string]>): Promise<CustomsClean[]> {
    if (pairs.length === 0) return [];
    const p = this.redis.pipeline();
    for (const [reporter, hs6] of pairs) p.hvals(this.customsKey(reporter, hs6));
    const out: CustomsClean[] = [];
    for (const texts of await pipelineReplies(p))
      for (const t of (texts as string[] | null) ?? []) out.push(CustomsClean.parse(JSON.parse(t)));
    return out;
  }

  /** Every reporter's facts of one HS6 code. */
  async customsByHs6(hs6: string): Promise<CustomsClean[]> {
    const reporters = (await this.redis.smembers(this.hs6ReportersKey(hs6))).sort();
    return this.readCustoms(reporters.map((r) => [r, hs6] as const));
  }

  /** One reporter's facts of the HS6 codes a list of HS prefixes can match. */
  async customsOfReporter(reporter: string, hsPrefixes: readonly string[]): Promise<CustomsClean[]> {
    const codes = (await this.redis.smembers(this.reporterHs6Key(reporter))).filter((h) => matchesPrefixes(h, hsPrefixes)).sort();
    return this.readCustoms(codes.map((h) => [reporter, h] as const));
  }

  /** Every reporter's facts of the HS6 codes a list of HS prefixes can match. */
  async customsOfGoods(hsPrefixes: readonly string[]): Promise<CustomsClean[]> {
    const codes = (await this.redis.smembers(this.allHs6Key())).filter((h) => matchesPrefixes(h, hsPrefixes)).sort();
    const out: CustomsClean[] = [];
    for (const h of codes) out.push(...(await this.customsByHs6(h)));
    return out;
  }

  async facts(company: string): Promise<RevenueClean[]> {
    const all = await this.redis.hvals(this.factsKey(company));
    return all.map((t) => RevenueClean.parse(JSON.parse(t)));
  }

  async alerts(company: string): Promise<Map<string, Alert>> {
    const all = await this.redis.hvals(this.alertsKey(company));
    return new Map(all.map((t) => Alert.parse(JSON.parse(t))).map((a) => [a.alertId, a]));
  }

  private publishingKey(scope: string) {
    return `${this.prefix}entrepot:detector:publishing:${scope}`;
  }

  /**
   * Notes the alerts an evaluation is about to publish, before it does: a detector killed between
   * its publish and `putAlerts` leaves them here, so the next evaluation of the scope knows they may
   * be on alerts.v1 (and retracts them if they no longer hold) instead of forgetting them.
   */
  async beginPublish(scope: string, alerts: readonly Alert[]): Promise<void> {
    if (alerts.length === 0) return;
    await this.redis.hset(this.publishingKey(scope), Object.fromEntries(alerts.map((a) => [a.alertId, JSON.stringify(a)])));
  }

  /** Alerts of an evaluation of the scope that stopped between `beginPublish` and `putAlerts`. */
  async unfinishedPublish(scope: string): Promise<Alert[]> {
    return (await this.redis.hvals(this.publishingKey(scope))).map((t) => Alert.parse(JSON.parse(t)));
  }

  /** Stores published alerts (the scope's publish is then finished). */
  async putAlerts(company: string, alerts: readonly Alert[]): Promise<void> {
    if (alerts.length === 0) return;
    await pipelineReplies(
      this.redis
        .multi()
        .hset(this.alertsKey(company), Object.fromEntries(alerts.map((a) => [a.alertId, JSON.stringify(a)])))
        .del(this.publishingKey(company)),
    );
  }
}

/** Deletes a dirty mark only while it still has the generation the evaluation started from (1 deleted, 0 not). */
const CLEAR_IF_GENERATION = redisScript<number>(
  "entrepotClearIfGeneration",
  1,
  `if redis.call("HGET", KEYS[1], ARGV[1]) == ARGV[2] then return redis.call("HDEL", KEYS[1], ARGV[1]) end return 0`,
);

/**
 * Scopes with facts not yet evaluated (survives restarts), each with a generation that every
 * mark raises. An evaluation takes the generation before it reads the facts and clears the mark
 * only if it is unchanged: facts stored and marked while it ran (and perhaps not read by it) keep
 * the scope dirty, so it is evaluated again.
 */
export class DirtyMarks<S extends string> {
  constructor(
    private readonly redis: Redis,
    private readonly key: string,
  ) {}

  async mark(scopes: readonly S[]): Promise<void> {
    if (scopes.length === 0) return;
    const p = this.redis.pipeline();
    for (const scope of new Set(scopes)) p.hincrby(this.key, scope, 1);
    await pipelineReplies(p);
  }

  async list(): Promise<S[]> {
    return (await this.redis.hkeys(this.key)).sort() as S[];
  }

  /** The scope's current generation (null: not dirty); take it before reading the scope's facts. */
  generation(scope: S): Promise<string | null> {
    return this.redis.hget(this.key, scope);
  }

  /**
   * Clears the mark if it still has `generation` (true), or unconditionally without one (a
   * rebuild, with no consumer running). A scope marked again since is left dirty (false).
   */
  async clear(scope: S, generation?: string | null): Promise<boolean> {
    if (generation === undefined) return (await this.redis.hdel(this.key, scope)) > 0;
    if (generation === null) return false;
    return (await runScript(this.redis, CLEAR_IF_GENERATION, [this.key], [scope, generation])) === 1;
  }
}

/** An HS6 code can hold rows a prefix matches: the prefix starts the code, or (national codes) the code starts the prefix. */
export const matchesPrefixes = (hs6: string, prefixes: readonly string[]): boolean =>
  hs6 !== "TOTAL" && prefixes.some((p) => hs6.startsWith(p) || p.startsWith(hs6));

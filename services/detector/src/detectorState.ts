import { Alert, RevenueClean, revenueCleanKey } from "@entrepot/schemas";
import type { Redis } from "ioredis";

/**
 * Detector state in Redis, per company: the latest revision of each clean revenue fact and
 * the alerts already published. Rebuildable by replaying the compacted clean topic.
 */
export class DetectorState {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private factsKey(company: string) {
    return `${this.prefix}entrepot:detector:revenue:${company}`;
  }
  private alertsKey(company: string) {
    return `${this.prefix}entrepot:detector:alerts:${company}`;
  }

  /** Stores facts, keeping for each natural key the one with the latest `asOf`. */
  async putFacts(records: readonly RevenueClean[]): Promise<void> {
    for (const r of records) {
      const key = this.factsKey(r.company);
      const field = revenueCleanKey(r);
      const prevText = await this.redis.hget(key, field);
      const prev = prevText ? RevenueClean.parse(JSON.parse(prevText)) : undefined;
      if (!prev || r.asOf >= prev.asOf) await this.redis.hset(key, field, JSON.stringify(r));
    }
  }

  async facts(company: string): Promise<RevenueClean[]> {
    const all = await this.redis.hvals(this.factsKey(company));
    return all.map((t) => RevenueClean.parse(JSON.parse(t)));
  }

  private dirtyKey() {
    return `${this.prefix}entrepot:detector:dirty`;
  }

  /** Companies with facts not yet evaluated (survives restarts). */
  async markDirty(companies: readonly string[]): Promise<void> {
    if (companies.length > 0) await this.redis.sadd(this.dirtyKey(), ...companies);
  }

  async dirty(): Promise<string[]> {
    return (await this.redis.smembers(this.dirtyKey())).sort();
  }

  async clearDirty(company: string): Promise<void> {
    await this.redis.srem(this.dirtyKey(), company);
  }

  async alerts(company: string): Promise<Map<string, Alert>> {
    const all = await this.redis.hvals(this.alertsKey(company));
    return new Map(all.map((t) => Alert.parse(JSON.parse(t))).map((a) => [a.alertId, a]));
  }

  async putAlerts(company: string, alerts: readonly Alert[]): Promise<void> {
    if (alerts.length === 0) return;
    await this.redis.hset(this.alertsKey(company), Object.fromEntries(alerts.map((a) => [a.alertId, JSON.stringify(a)])));
  }
}

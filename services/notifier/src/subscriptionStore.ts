import { randomUUID } from "node:crypto";
import { type Alert, SEVERITY_RANK, Subscription } from "@entrepot/schemas";
import { generateSecret } from "@entrepot/webhooks";
import type { Redis } from "ioredis";

export type NewSubscription = Omit<Subscription, "id" | "createdAt" | "secret" | "enabled" | "filters"> & {
  secret?: string;
  filters?: Partial<Subscription["filters"]>;
};

/** Subscriptions in one Redis hash: id -> JSON. */
export class SubscriptionStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private key() {
    return `${this.prefix}entrepot:subscriptions`;
  }

  async add(input: NewSubscription): Promise<Subscription> {
    const sub = Subscription.parse({
      id: `sub_${randomUUID().replace(/-/g, "").slice(0, 16)}`,
      url: input.url,
      secret: input.secret ?? generateSecret(),
      filters: { companies: [], regions: [], rules: [], minSeverity: "info", ...input.filters },
      enabled: true,
      createdAt: new Date().toISOString(),
    });
    await this.redis.hset(this.key(), sub.id, JSON.stringify(sub));
    return sub;
  }

  async get(id: string): Promise<Subscription | undefined> {
    const text = await this.redis.hget(this.key(), id);
    return text ? Subscription.parse(JSON.parse(text)) : undefined;
  }

  async list(): Promise<Subscription[]> {
    return (await this.redis.hvals(this.key()))
      .map((t) => Subscription.parse(JSON.parse(t)))
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  async remove(id: string): Promise<boolean> {
    return (await this.redis.hdel(this.key(), id)) > 0;
  }
}

/** Does the alert pass the subscription's filters? Empty filter lists match everything. */
export function matches(sub: Subscription, alert: Alert): boolean {
  if (!sub.enabled) return false;
  const f = sub.filters;
  const company = alert.entity.company;
  if (f.companies.length > 0 && (company === undefined || !f.companies.includes(company))) return false;
  if (f.regions.length > 0 && !f.regions.includes(alert.region)) return false;
  if (f.rules.length > 0 && !f.rules.includes(alert.rule)) return false;
  return SEVERITY_RANK[alert.severity] >= SEVERITY_RANK[f.minSeverity];
}

import { randomUUID } from "node:crypto";
import { type Alert, SEVERITY_RANK, Subscription } from "@entrepot/schemas";
import { generateSecret, SecretBox } from "@entrepot/webhooks";
import type { Redis } from "ioredis";

export type NewSubscription = Omit<
  Subscription,
  "id" | "createdAt" | "updatedAt" | "secret" | "previousSecrets" | "enabled" | "filters" | "channel" | "disabledReason"
> & {
  secret?: string;
  channel?: Subscription["channel"];
  filters?: Partial<Subscription["filters"]>;
};

export type SubscriptionPatch = Partial<Pick<Subscription, "url" | "secret" | "previousSecrets" | "channel" | "enabled">> & {
  filters?: Partial<Subscription["filters"]>;
};

const EMPTY_FILTERS: Subscription["filters"] = { companies: [], regions: [], rules: [], hsPrefixes: [], minSeverity: "info" };

/**
 * Subscriptions in one Redis hash: id -> JSON. With a SecretBox the signing secret is stored
 * encrypted (AES-256-GCM) and decrypted on read; without one it is stored as given (development).
 */
export class SubscriptionStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly secretBox?: SecretBox,
  ) {}

  private serialize(sub: Subscription): string {
    const box = this.secretBox;
    if (!box) return JSON.stringify(sub);
    return JSON.stringify({
      ...sub,
      secret: box.seal(sub.secret),
      previousSecrets: sub.previousSecrets.map((p) => ({ ...p, secret: box.seal(p.secret) })),
    });
  }

  private open(secret: unknown): unknown {
    if (typeof secret !== "string" || !SecretBox.isSealed(secret)) return secret;
    if (!this.secretBox) throw new Error("subscription secrets are stored encrypted: set ENTREPOT_SECRET_KEY");
    return this.secretBox.open(secret);
  }

  private deserialize(text: string): Subscription {
    const stored = JSON.parse(text) as { secret?: unknown; previousSecrets?: { secret?: unknown }[] };
    stored.secret = this.open(stored.secret);
    for (const p of stored.previousSecrets ?? []) p.secret = this.open(p.secret);
    return Subscription.parse(stored);
  }

  private key() {
    return `${this.prefix}entrepot:subscriptions`;
  }

  async add(input: NewSubscription): Promise<Subscription> {
    const sub = Subscription.parse({
      id: `sub_${randomUUID().replace(/-/g, "").slice(0, 16)}`,
      channel: input.channel ?? "webhook",
      url: input.url,
      secret: input.secret ?? generateSecret(),
      filters: { ...EMPTY_FILTERS, ...input.filters },
      enabled: true,
      createdAt: new Date().toISOString(),
    });
    await this.redis.hset(this.key(), sub.id, this.serialize(sub));
    return sub;
  }

  async get(id: string): Promise<Subscription | undefined> {
    const text = await this.redis.hget(this.key(), id);
    return text ? this.deserialize(text) : undefined;
  }

  async list(): Promise<Subscription[]> {
    return (await this.redis.hvals(this.key())).map((t) => this.deserialize(t)).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  /** Applies a patch; re-enabling clears the disabled reason. Undefined for an unknown id. */
  async update(id: string, patch: SubscriptionPatch): Promise<Subscription | undefined> {
    const current = await this.get(id);
    if (!current) return undefined;
    const { disabledReason, ...rest } = current;
    const enabled = patch.enabled ?? current.enabled;
    const next = Subscription.parse({
      ...rest,
      ...patch,
      filters: { ...current.filters, ...patch.filters },
      enabled,
      ...(!enabled && disabledReason !== undefined ? { disabledReason } : {}),
      updatedAt: new Date().toISOString(),
    });
    await this.redis.hset(this.key(), id, this.serialize(next));
    return next;
  }

  /** Stops deliveries to a subscription (410 Gone, failing for days), keeping the reason. */
  async disable(id: string, reason: string): Promise<void> {
    const current = await this.get(id);
    if (!current?.enabled) return;
    const next: Subscription = { ...current, enabled: false, disabledReason: reason, updatedAt: new Date().toISOString() };
    await this.redis.hset(this.key(), id, this.serialize(next));
  }

  /**
   * Replaces the signing secret; the old one keeps signing (next to the new one) for `graceMs`,
   * so receivers can switch at their pace. Expired previous secrets are dropped. Returns the new
   * secret (shown once) or undefined for an unknown id.
   */
  async rotateSecret(
    id: string,
    options: { graceMs?: number; secret?: string; now?: number } = {},
  ): Promise<{ subscription: Subscription; secret: string; previousExpiresAt: string } | undefined> {
    const current = await this.get(id);
    if (!current) return undefined;
    const now = options.now ?? Date.now();
    const previousExpiresAt = new Date(now + (options.graceMs ?? 24 * 3_600_000)).toISOString();
    const secret = options.secret ?? generateSecret();
    const kept = unexpired(current.previousSecrets, now);
    const next = Subscription.parse({
      ...current,
      secret,
      previousSecrets: [{ secret: current.secret, expiresAt: previousExpiresAt }, ...kept],
      updatedAt: new Date(now).toISOString(),
    });
    await this.redis.hset(this.key(), id, this.serialize(next));
    return { subscription: next, secret, previousExpiresAt };
  }

  async remove(id: string): Promise<boolean> {
    return (await this.redis.hdel(this.key(), id)) > 0;
  }
}

/** A subscription as listed by the API and the CLI: everything but the secrets (previous ones show only their expiry). */
export function publicSubscription(sub: Subscription) {
  const { secret: _secret, previousSecrets, ...rest } = sub;
  return { ...rest, previousSecretsExpireAt: previousSecrets.map((p) => p.expiresAt) };
}

/** The secrets a delivery is signed with: the current one, then every previous one not yet expired. */
export function signingSecrets(sub: Pick<Subscription, "secret" | "previousSecrets">, now = Date.now()): string[] {
  return [sub.secret, ...unexpired(sub.previousSecrets, now).map((p) => p.secret)];
}

/** Previous secrets whose grace period has not ended at `now`. */
function unexpired(previous: Subscription["previousSecrets"], now: number): Subscription["previousSecrets"] {
  return previous.filter((p) => Date.parse(p.expiresAt) > now);
}

/** Does the alert pass the subscription's filters? Empty filter lists match everything. */
export function matches(sub: Subscription, alert: Alert): boolean {
  if (!sub.enabled) return false;
  const f = sub.filters;
  const company = alert.entity.company;
  if (f.companies.length > 0 && (company === undefined || !f.companies.includes(company))) return false;
  if (f.regions.length > 0 && !f.regions.includes(alert.region)) return false;
  if (f.rules.length > 0 && !f.rules.includes(alert.rule)) return false;
  if (f.hsPrefixes.length > 0) {
    const hs = alert.entity.hs;
    if (hs === undefined || !f.hsPrefixes.some((p) => hs.startsWith(p))) return false;
  }
  return SEVERITY_RANK[alert.severity] >= SEVERITY_RANK[f.minSeverity];
}

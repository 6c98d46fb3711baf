import { randomUUID } from "node:crypto";
import { redisScript, runScript } from "@entrepot/runtime";
import { type Alert, SEVERITY_RANK, Subscription } from "@entrepot/schemas";
import {
  generateSecret,
  type OutboundPolicy,
  type ResolveAll,
  SecretBox,
  webhookSecretProblem,
  webhookUrlProblem,
} from "@entrepot/webhooks";
import type { Redis } from "ioredis";
import { z } from "zod";

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

/** A stored record that cannot be read: encrypted under a key not configured, corrupted, or not a subscription. */
export interface UnreadableSubscription {
  id: string;
  /** the key id its secret was sealed with, when it names one */
  keyId?: string;
  reason: string;
}

export class UnreadableSubscriptionError extends Error {
  constructor(readonly record: UnreadableSubscription) {
    super(`subscription ${record.id} is unreadable: ${record.reason}`);
    this.name = "UnreadableSubscriptionError";
  }
}

export interface SubscriptionStoreOptions {
  /** when set, add/update/rotate refuse a URL this policy would refuse at delivery (the API's and CLI's check at creation) */
  outboundPolicy?: OutboundPolicy;
  /** name resolution for that check (default: the system resolver) */
  resolve?: ResolveAll;
  /** told about every record a listing skips because it cannot be read (log it, count it) */
  onUnreadable?: (record: UnreadableSubscription) => void;
}

const EMPTY_FILTERS: Subscription["filters"] = { companies: [], regions: [], rules: [], hsPrefixes: [], minSeverity: "info" };

// writes the re-sealed record only if nobody changed it since it was read
const COMPARE_AND_SET = redisScript<number>(
  "entrepotCompareAndSet",
  1,
  `
if redis.call('HGET', KEYS[1], ARGV[1]) ~= ARGV[2] then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
return 1
`,
);

function sealedValues(text: string): string[] {
  const stored = JSON.parse(text) as { url?: unknown; secret?: unknown; previousSecrets?: { secret?: unknown }[] };
  return [stored.url, stored.secret, ...(stored.previousSecrets ?? []).map((p) => p.secret)].filter(
    (v): v is string => typeof v === "string" && SecretBox.isSealed(v),
  );
}

/**
 * Subscriptions in one Redis hash: id -> JSON. With a SecretBox the signing secrets, and the URL
 * of a Slack subscription (Slack authenticates by the URL: it is a credential), are stored
 * encrypted (AES-256-GCM, naming the key id) and decrypted on read; without one they are stored
 * as given (development and tests; the API and the CLI always pass one).
 *
 * A record that cannot be read (sealed under a key this process does not hold, corrupted) never
 * stops a listing: it is skipped and reported through `onUnreadable`; `get` throws
 * UnreadableSubscriptionError for it.
 */
export class SubscriptionStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly secretBox?: SecretBox,
    private readonly options: SubscriptionStoreOptions = {},
  ) {}

  private serialize(sub: Subscription): string {
    const box = this.secretBox;
    if (!box) return JSON.stringify(sub);
    return JSON.stringify({
      ...sub,
      url: sub.channel === "slack" ? box.seal(sub.url) : sub.url,
      secret: box.seal(sub.secret),
      previousSecrets: sub.previousSecrets.map((p) => ({ ...p, secret: box.seal(p.secret) })),
    });
  }

  private open(value: unknown): unknown {
    if (typeof value !== "string" || !SecretBox.isSealed(value)) return value;
    if (!this.secretBox) throw new Error("stored encrypted: set ENTREPOT_SECRET_KEY");
    return this.secretBox.open(value);
  }

  private deserialize(id: string, text: string): Subscription {
    try {
      const stored = JSON.parse(text) as { url?: unknown; secret?: unknown; previousSecrets?: { secret?: unknown }[] };
      stored.url = this.open(stored.url);
      stored.secret = this.open(stored.secret);
      for (const p of stored.previousSecrets ?? []) p.secret = this.open(p.secret);
      return Subscription.parse(stored);
    } catch (err) {
      let keyId: string | undefined;
      try {
        keyId = sealedValues(text)
          .map((v) => SecretBox.keyIdOf(v))
          .find((k) => k !== undefined);
      } catch {
        keyId = undefined; // not JSON: no key to name
      }
      const reason = err instanceof z.ZodError ? `not a valid subscription: ${err.issues[0]?.message ?? ""}` : (err as Error).message;
      throw new UnreadableSubscriptionError({ id, reason, ...(keyId ? { keyId } : {}) });
    }
  }

  private key() {
    return `${this.prefix}entrepot:subscriptions`;
  }

  /** Throws a ZodError naming the field when a secret is weak or the URL would be refused at delivery. */
  private async check(input: { url?: string | undefined; secret?: string | undefined }): Promise<void> {
    const issues: z.core.$ZodIssue[] = [];
    const secretProblem = input.secret === undefined ? undefined : webhookSecretProblem(input.secret);
    if (secretProblem) issues.push({ code: "custom", path: ["secret"], message: secretProblem, input: "[redacted]" });
    const policy = this.options.outboundPolicy;
    if (policy && input.url !== undefined) {
      const urlProblem = await webhookUrlProblem(policy, input.url, ...(this.options.resolve ? [this.options.resolve] : []));
      if (urlProblem) issues.push({ code: "custom", path: ["url"], message: urlProblem, input: input.url });
    }
    if (issues.length > 0) throw new z.ZodError(issues);
  }

  async add(input: NewSubscription): Promise<Subscription> {
    await this.check(input);
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

  /** The subscription, undefined for an unknown id; throws UnreadableSubscriptionError for a record it cannot read. */
  async get(id: string): Promise<Subscription | undefined> {
    const text = await this.redis.hget(this.key(), id);
    return text ? this.deserialize(id, text) : undefined;
  }

  /** Every readable subscription, oldest first, and the records skipped because they cannot be read. */
  async scan(): Promise<{ subscriptions: Subscription[]; unreadable: UnreadableSubscription[] }> {
    const subscriptions: Subscription[] = [];
    const unreadable: UnreadableSubscription[] = [];
    for (const [id, text] of Object.entries(await this.redis.hgetall(this.key()))) {
      try {
        subscriptions.push(this.deserialize(id, text));
      } catch (err) {
        if (!(err instanceof UnreadableSubscriptionError)) throw err;
        unreadable.push(err.record);
        this.options.onUnreadable?.(err.record);
      }
    }
    subscriptions.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
    return { subscriptions, unreadable };
  }

  /** Every readable subscription, oldest first; unreadable records are skipped (and reported to `onUnreadable`). */
  async list(): Promise<Subscription[]> {
    return (await this.scan()).subscriptions;
  }

  /** Applies a patch; re-enabling clears the disabled reason. Undefined for an unknown id. */
  async update(id: string, patch: SubscriptionPatch): Promise<Subscription | undefined> {
    await this.check(patch);
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
    await this.check({ secret: options.secret });
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

  /**
   * Re-encrypts with the current key (the first of ENTREPOT_SECRET_KEY) every record sealed with
   * another one or stored in plain text, so an old key can then be dropped. A record changed
   * meanwhile is left for its writer; unreadable records are counted, not touched.
   */
  async reseal(): Promise<{ resealed: number; current: number; unreadable: number }> {
    const box = this.secretBox;
    if (!box) throw new Error("resealing needs ENTREPOT_SECRET_KEY");
    const counts = { resealed: 0, current: 0, unreadable: 0 };
    for (const [id, text] of Object.entries(await this.redis.hgetall(this.key()))) {
      let sub: Subscription;
      try {
        sub = this.deserialize(id, text);
      } catch (err) {
        if (!(err instanceof UnreadableSubscriptionError)) throw err;
        counts.unreadable++;
        continue;
      }
      const sealed = sealedValues(text);
      const expected = 1 + sub.previousSecrets.length + (sub.channel === "slack" ? 1 : 0);
      if (sealed.length === expected && sealed.every((v) => SecretBox.keyIdOf(v) === box.keyId)) {
        counts.current++;
        continue;
      }
      counts.resealed += (await runScript(this.redis, COMPARE_AND_SET, [this.key()], [id, text, this.serialize(sub)])) === 1 ? 1 : 0;
    }
    return counts;
  }

  async remove(id: string): Promise<boolean> {
    return (await this.redis.hdel(this.key(), id)) > 0;
  }
}

/** A subscription as listed by the API and the CLI: everything but the secrets (previous ones show only their expiry; a Slack URL is masked). */
export function publicSubscription(sub: Subscription) {
  const { secret: _secret, previousSecrets, ...rest } = sub;
  return { ...rest, url: maskedUrl(sub), previousSecretsExpireAt: previousSecrets.map((p) => p.expiresAt) };
}

/** A Slack webhook URL is a credential: listings show its origin only. */
export function maskedUrl(sub: Pick<Subscription, "channel" | "url">): string {
  return sub.channel === "slack" ? `${new URL(sub.url).origin}/***` : sub.url;
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

import { randomUUID } from "node:crypto";
import type { Alert } from "@entrepot/schemas";
import type { Redis } from "ioredis";
import { z } from "zod";

/**
 * Matchers compare equal to the alert's company, region and rule; an absent matcher matches
 * anything. Strict: an unknown (misspelt) matcher is refused, not dropped, since dropping it
 * would widen the silence.
 */
export const SilenceMatchers = z
  .object({
    company: z.string().min(1).optional(),
    region: z.string().min(1).optional(),
    rule: z.string().min(1).optional(),
  })
  .strict()
  .refine((m) => m.company !== undefined || m.region !== undefined || m.rule !== undefined, {
    message: "a silence needs at least one matcher (company, region or rule)",
  });
export type SilenceMatchers = z.infer<typeof SilenceMatchers>;

export const Silence = z.object({
  id: z.string().min(1),
  matchers: SilenceMatchers,
  comment: z.string().default(""),
  createdAt: z.iso.datetime(),
  expiresAt: z.iso.datetime(),
});
export type Silence = z.infer<typeof Silence>;

export const NewSilence = z
  .object({
    matchers: SilenceMatchers,
    comment: z.string().max(500).optional(),
    expiresAt: z.iso.datetime(),
  })
  .strict();
export type NewSilence = z.infer<typeof NewSilence>;

/** Longest a silence may last unless configured otherwise (ENTREPOT_SILENCE_MAX_DAYS). */
export const DEFAULT_SILENCE_MAX_MS = 90 * 86_400_000;

export interface SilenceStoreOptions {
  /** refuse silences expiring later than this after their creation (default 90 days) */
  maxDurationMs?: number;
}

export function silenceMatches(s: Silence, alert: Alert, now = Date.now()): boolean {
  if (Date.parse(s.expiresAt) <= now) return false;
  const m = s.matchers;
  if (m.company !== undefined && alert.entity.company !== m.company) return false;
  if (m.region !== undefined && alert.region !== m.region) return false;
  if (m.rule !== undefined && alert.rule !== m.rule) return false;
  return true;
}

function formatDuration(ms: number): string {
  return ms % 86_400_000 === 0 ? `${ms / 86_400_000} days` : ms % 3_600_000 === 0 ? `${ms / 3_600_000} hours` : `${ms} ms`;
}

/** Silences in one Redis hash: id -> JSON. Expired silences stop matching and are pruned on list. */
export class SilenceStore {
  private readonly maxDurationMs: number;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    options: SilenceStoreOptions = {},
  ) {
    this.maxDurationMs = options.maxDurationMs ?? DEFAULT_SILENCE_MAX_MS;
  }

  private key() {
    return `${this.prefix}entrepot:silences`;
  }

  async add(input: NewSilence, now = new Date()): Promise<Silence> {
    const parsed = NewSilence.parse(input);
    const expires = Date.parse(parsed.expiresAt);
    const problem =
      expires <= now.getTime()
        ? "must be in the future"
        : expires > now.getTime() + this.maxDurationMs
          ? `must be at most ${formatDuration(this.maxDurationMs)} from now (a longer silence is a forgotten one)`
          : undefined;
    if (problem) throw new z.ZodError([{ code: "custom", path: ["expiresAt"], message: problem, input: parsed.expiresAt }]);
    const silence = Silence.parse({
      id: `sil_${randomUUID().replace(/-/g, "").slice(0, 16)}`,
      matchers: parsed.matchers,
      comment: parsed.comment ?? "",
      createdAt: now.toISOString(),
      expiresAt: parsed.expiresAt,
    });
    await this.redis.hset(this.key(), silence.id, JSON.stringify(silence));
    return silence;
  }

  async get(id: string): Promise<Silence | undefined> {
    const text = await this.redis.hget(this.key(), id);
    return text ? Silence.parse(JSON.parse(text)) : undefined;
  }

  /** Silences, oldest first; `includeExpired` keeps the ones that no longer apply. */
  async list(options: { includeExpired?: boolean; now?: number } = {}): Promise<Silence[]> {
    const now = options.now ?? Date.now();
    const all = (await this.redis.hvals(this.key())).map((t) => Silence.parse(JSON.parse(t)));
    return all
      .filter((s) => options.includeExpired || Date.parse(s.expiresAt) > now)
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  async remove(id: string): Promise<boolean> {
    return (await this.redis.hdel(this.key(), id)) > 0;
  }

  /** The first active silence matching the alert, if any. */
  async silencing(alert: Alert, now = Date.now()): Promise<Silence | undefined> {
    return (await this.list({ now })).find((s) => silenceMatches(s, alert, now));
  }
}

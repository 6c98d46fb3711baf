import { redisScript, runScript } from "@entrepot/runtime";
import type { Alert, Severity } from "@entrepot/schemas";
import { Alert as AlertSchema, SEVERITY_RANK } from "@entrepot/schemas";
import type { Redis } from "ioredis";
import { alertFingerprint } from "./routing/alertIdentity";

// Appends an alert when its content changed: latest state per alert id in a hash, every change
// in a capped stream (the SSE feed; stream ids are the event ids clients resume from).
const APPEND = redisScript<string | null>(
  "entrepotAppendAlert",
  3,
  `
local fp = ARGV[2] .. '#' .. ARGV[5]
if redis.call('HGET', KEYS[3], ARGV[1]) == fp then return false end
redis.call('HSET', KEYS[3], ARGV[1], fp)
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
return redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[4], '*', 'alert', ARGV[3])
`,
);

export interface AlertQuery {
  company?: string | undefined;
  region?: string | undefined;
  rule?: string | undefined;
  status?: Alert["status"] | undefined;
  minSeverity?: Severity | undefined;
}

export interface StreamEntry {
  id: string;
  alert: Alert;
}

/**
 * Alerts as the notifier saw them, for the API: the latest revision of each alert (for
 * `GET /v1/alerts`) and a capped Redis stream of changes (for `GET /v1/alerts/stream`).
 * A duplicate or unchanged re-publication appends nothing.
 */
export class AlertLog {
  private readonly p: string;

  constructor(
    private readonly redis: Redis,
    topicPrefix: string,
    private readonly maxStreamLength = 100_000,
  ) {
    this.p = `${topicPrefix}entrepot:alerts:`;
  }

  get streamKey(): string {
    return `${this.p}stream`;
  }

  /** Returns the stream id when the alert was new or changed, null otherwise. */
  async append(alert: Alert): Promise<string | null> {
    return runScript(
      this.redis,
      APPEND,
      [`${this.p}latest`, this.streamKey, `${this.p}fingerprints`],
      [alert.alertId, alertFingerprint(alert), JSON.stringify(alert), this.maxStreamLength, alert.status],
    );
  }

  /** Latest revision of each matching alert, newest first, `limit` from `offset`. */
  async list(q: AlertQuery, offset: number, limit: number): Promise<{ alerts: Alert[]; total: number }> {
    const all = (await this.redis.hvals(`${this.p}latest`)).map((t) => AlertSchema.parse(JSON.parse(t)));
    const hits = all
      .filter(
        (a) =>
          (q.company === undefined || a.entity.company === q.company) &&
          (q.region === undefined || a.region === q.region) &&
          (q.rule === undefined || a.rule === q.rule) &&
          (q.status === undefined || a.status === q.status) &&
          (q.minSeverity === undefined || SEVERITY_RANK[a.severity] >= SEVERITY_RANK[q.minSeverity]),
      )
      .sort((a, b) => b.detectedAt.localeCompare(a.detectedAt) || a.alertId.localeCompare(b.alertId));
    return { alerts: hits.slice(offset, offset + limit), total: hits.length };
  }

  /** Entries after `afterId` ("0" = from the oldest kept), waiting up to `blockMs` when there are none. */
  async readAfter(conn: Redis, afterId: string, count: number, blockMs: number): Promise<StreamEntry[]> {
    const res = (await conn.xread("COUNT", count, "BLOCK", blockMs, "STREAMS", this.streamKey, afterId)) as
      | [string, [string, string[]][]][]
      | null;
    return toEntries(res?.[0]?.[1] ?? []);
  }

  /** Up to `count` entries after `afterId`, without waiting (safe on a shared connection). */
  async readRange(afterId: string, count: number): Promise<StreamEntry[]> {
    return toEntries((await this.redis.xrange(this.streamKey, `(${afterId}`, "+", "COUNT", count)) as [string, string[]][]);
  }

  /** Id of the newest entry, "0" when empty: a client without Last-Event-ID starts after it. */
  async lastId(): Promise<string> {
    const last = (await this.redis.xrevrange(this.streamKey, "+", "-", "COUNT", 1)) as [string, string[]][];
    return last[0]?.[0] ?? "0";
  }
}

function toEntries(raw: [string, string[]][]): StreamEntry[] {
  return raw.map(([id, fields]) => ({ id, alert: AlertSchema.parse(JSON.parse(fields[1] ?? "null")) }));
}

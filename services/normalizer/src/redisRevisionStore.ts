import type { RevisionStore, SeenRevision } from "@entrepot/normalize";
import { redisScript, runScript } from "@entrepot/runtime";
import type { Feed } from "@entrepot/schemas";
import type { Redis } from "ioredis";

const encode = (s: SeenRevision) => `${s.asOf}|${s.fingerprint}`;
const decode = (v: string): SeenRevision => {
  const i = v.lastIndexOf("|");
  return { asOf: v.slice(0, i), fingerprint: v.slice(i + 1) };
};

// compare-and-set per field: only an equal or later asOf overwrites
const RAISE = redisScript<number>(
  "entrepotRaiseRevisions",
  1,
  `
for i = 1, #ARGV, 2 do
  local cur = redis.call('HGET', KEYS[1], ARGV[i])
  local nextAsOf = string.match(ARGV[i + 1], '^(.*)|')
  if (not cur) or nextAsOf >= string.match(cur, '^(.*)|') then
    redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1])
  end
end
return 1
`,
);

/** Redis hash `<prefix>entrepot:revisions:<feed>`: field = natural key, value = `asOf|fingerprint`. */
export class RedisRevisionStore implements RevisionStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private key(feed: Feed): string {
    return `${this.prefix}entrepot:revisions:${feed}`;
  }

  async get(feed: Feed, keys: readonly string[]): Promise<Map<string, SeenRevision>> {
    const out = new Map<string, SeenRevision>();
    if (keys.length === 0) return out;
    const values = await this.redis.hmget(this.key(feed), ...keys);
    keys.forEach((k, i) => {
      const v = values[i];
      if (v) out.set(k, decode(v));
    });
    return out;
  }

  async raise(feed: Feed, entries: ReadonlyMap<string, SeenRevision>): Promise<void> {
    if (entries.size === 0) return;
    const args = [...entries].flatMap(([k, s]) => [k, encode(s)]);
    await runScript(this.redis, RAISE, [this.key(feed)], args);
  }
}

import { createHash, timingSafeEqual } from "node:crypto";

/** `read` may GET; `manage` may also create, change and delete (POST, PATCH, DELETE). */
export type ApiScope = "read" | "manage";

/** One accepted API key: an id that logs can name, its scope and the SHA-256 of the key (never the key). */
export interface ApiKey {
  id: string;
  scope: ApiScope;
  digest: Buffer;
}

/** SHA-256 hex of an API key: what the config holds, never the key. */
export function hashApiKey(key: string): string {
  return createHash("sha256").update(key).digest("hex");
}

function entries(text: string): string[] {
  return text
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/**
 * Parses ENTREPOT_API_KEYS: comma-separated `id:scope:sha256hex` entries, e.g.
 * `ops:manage:<64 hex>,grafana:read:<64 hex>`. Throws naming the bad entry (by position and id,
 * never by digest).
 */
export function parseApiKeys(text: string): ApiKey[] {
  const keys = entries(text).map((entry, i) => {
    const m = /^([A-Za-z0-9._-]{1,64}):(read|manage):([0-9a-fA-F]{64})$/.exec(entry);
    if (!m) throw new Error(`API key #${i + 1} is not id:scope:sha256hex (id of letters, digits, . _ -; scope read or manage)`);
    return { id: m[1] as string, scope: m[2] as ApiScope, digest: Buffer.from(m[3] as string, "hex") };
  });
  const ids = keys.map((k) => k.id);
  const twice = ids.find((id, i) => ids.indexOf(id) !== i);
  if (twice !== undefined) throw new Error(`API key id "${twice}" is used twice`);
  return keys;
}

/**
 * Parses the older ENTREPOT_API_KEY_HASHES (comma-separated SHA-256 hex digests): each is a
 * manage-scope key whose id is derived from its digest (`legacy-` + its first 8 hex digits).
 */
export function parseApiKeyHashes(text: string): ApiKey[] {
  return entries(text).map((e, i) => {
    if (!/^[0-9a-f]{64}$/i.test(e)) throw new Error(`API key hash #${i + 1} is not a SHA-256 hex digest`);
    return { id: `legacy-${e.slice(0, 8).toLowerCase()}`, scope: "manage", digest: Buffer.from(e, "hex") };
  });
}

/** The key a presented bearer token matches, compared in constant time against every configured digest. */
export function authenticate(presented: string, keys: readonly ApiKey[]): ApiKey | undefined {
  const digest = createHash("sha256").update(presented).digest();
  let found: ApiKey | undefined;
  for (const k of keys) if (timingSafeEqual(digest, k.digest) && found === undefined) found = k;
  return found;
}

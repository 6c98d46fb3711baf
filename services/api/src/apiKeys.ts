import { createHash, timingSafeEqual } from "node:crypto";

/** SHA-256 hex of an API key: what the config holds (ENTREPOT_API_KEY_HASHES), never the key. */
export function hashApiKey(key: string): string {
  return createHash("sha256").update(key).digest("hex");
}

/** Parses comma-separated SHA-256 hex digests; throws naming the bad entry. */
export function parseApiKeyHashes(text: string): Buffer[] {
  const entries = text
    .split(",")
    .map((s) => s.trim().toLowerCase())
    .filter((s) => s.length > 0);
  if (entries.length === 0) throw new Error("at least one API key hash is required");
  return entries.map((e, i) => {
    if (!/^[0-9a-f]{64}$/.test(e)) throw new Error(`API key hash #${i + 1} is not a SHA-256 hex digest`);
    return Buffer.from(e, "hex");
  });
}

/** Constant-time check of a presented key against the configured hashes. */
export function apiKeyMatches(presented: string, hashes: readonly Buffer[]): boolean {
  const digest = createHash("sha256").update(presented).digest();
  let ok = false;
  for (const h of hashes) ok = timingSafeEqual(digest, h) || ok;
  return ok;
}

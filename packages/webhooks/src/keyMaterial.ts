import { randomBytes } from "node:crypto";

/** Bytes a `whsec_` signing secret must decode to (Standard Webhooks generates 24 to 64). */
export const MIN_WEBHOOK_SECRET_BYTES = 24;

const WHSEC = "whsec_";

/**
 * Why `bytes` do not look like random key material, or undefined when they do: too short, all
 * printable ASCII (a password or a phrase, not random bytes: 32 random bytes are all printable
 * with probability ~1e-14) or too few distinct byte values (a repeated pattern: 32 random bytes
 * hold ~30 distinct values, fewer than half of them practically never).
 */
export function randomnessProblem(bytes: Uint8Array, minBytes: number): string | undefined {
  if (bytes.length < minBytes) return `decodes to ${bytes.length} bytes, at least ${minBytes} are needed`;
  if (bytes.every((b) => b >= 0x20 && b < 0x7f)) return "decodes to printable text, not random bytes";
  const distinct = new Set(bytes).size;
  if (distinct < Math.min(bytes.length, 256) / 2) return `decodes to a repetitive pattern (${distinct} distinct byte values)`;
  return undefined;
}

/** Standard or URL-safe base64 with optional padding, decoded; undefined when `text` is not base64. */
export function decodeBase64(text: string): Buffer | undefined {
  if (text.length === 0 || !/^[A-Za-z0-9+/_-]+={0,2}$/.test(text) || text.replace(/=+$/, "").length % 4 === 1) return undefined;
  return Buffer.from(text.replace(/-/g, "+").replace(/_/g, "/"), "base64");
}

/** Why a `whsec_` webhook signing secret is unusable or weak, or undefined when it is fine. */
export function webhookSecretProblem(secret: string): string | undefined {
  const body = secret.slice(WHSEC.length);
  if (!secret.startsWith(WHSEC) || !/^[A-Za-z0-9+/]+={0,2}$/.test(body)) return "expected whsec_ followed by base64";
  const bytes = decodeBase64(body);
  if (!bytes) return "expected whsec_ followed by base64";
  const problem = randomnessProblem(bytes, MIN_WEBHOOK_SECRET_BYTES);
  return problem ? `weak secret: ${problem} (generate one with: echo whsec_$(openssl rand -base64 32))` : undefined;
}

/** A fresh key for ENTREPOT_SECRET_KEY: base64 of 32 random bytes (what `openssl rand -base64 32` prints). */
export function generateSecretKey(): string {
  return randomBytes(32).toString("base64");
}

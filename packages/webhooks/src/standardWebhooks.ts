import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { MIN_WEBHOOK_SECRET_BYTES, randomnessProblem } from "./keyMaterial";

/**
 * Standard Webhooks signing: HMAC-SHA256 over `${id}.${timestamp}.${body}` with the base64
 * key after the `whsec_` prefix; header `webhook-signature: v1,<base64>` (several, space
 * separated, during secret rotation).
 */
const PREFIX = "whsec_";

export class WebhookVerificationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "WebhookVerificationError";
  }
}

/** `whsec_` + base64 of 24 random bytes (drawn again in the ~1e-10 case that they fail the strength check). */
export function generateSecret(): string {
  let bytes = randomBytes(MIN_WEBHOOK_SECRET_BYTES);
  while (randomnessProblem(bytes, MIN_WEBHOOK_SECRET_BYTES) !== undefined) bytes = randomBytes(MIN_WEBHOOK_SECRET_BYTES);
  return PREFIX + bytes.toString("base64");
}

function keyOf(secret: string): Buffer {
  const b64 = secret.startsWith(PREFIX) ? secret.slice(PREFIX.length) : secret;
  const key = Buffer.from(b64, "base64");
  if (key.length === 0) throw new WebhookVerificationError("secret is empty or not base64");
  return key;
}

export function sign(secret: string, id: string, timestampSeconds: number, body: string): string {
  const mac = createHmac("sha256", keyOf(secret)).update(`${id}.${timestampSeconds}.${body}`).digest("base64");
  return `v1,${mac}`;
}

export interface SignedHeaders {
  "webhook-id": string;
  "webhook-timestamp": string;
  "webhook-signature": string;
}

/** Headers for one delivery; every secret in `secrets` signs (rotation). */
export function signedHeaders(secrets: readonly string[], id: string, body: string, now = new Date()): SignedHeaders {
  const ts = Math.floor(now.getTime() / 1000);
  return {
    "webhook-id": id,
    "webhook-timestamp": String(ts),
    "webhook-signature": secrets.map((s) => sign(s, id, ts, body)).join(" "),
  };
}

/** Verifies headers as a receiver would; throws WebhookVerificationError when they do not match. */
export function verify(
  secret: string,
  headers: Record<string, string | undefined>,
  body: string,
  options: { toleranceSeconds?: number; now?: Date } = {},
): void {
  const id = headers["webhook-id"];
  const ts = headers["webhook-timestamp"];
  const sigs = headers["webhook-signature"];
  if (!id || !ts || !sigs) throw new WebhookVerificationError("missing webhook-id, webhook-timestamp or webhook-signature");
  const tsNum = Number(ts);
  const nowSec = Math.floor((options.now ?? new Date()).getTime() / 1000);
  if (!Number.isInteger(tsNum) || Math.abs(nowSec - tsNum) > (options.toleranceSeconds ?? 300)) {
    throw new WebhookVerificationError("timestamp outside tolerance");
  }
  const expected = Buffer.from(sign(secret, id, tsNum, body).slice(3), "base64");
  for (const candidate of sigs.split(" ")) {
    const [version, mac] = candidate.split(",");
    if (version !== "v1" || !mac) continue;
    const got = Buffer.from(mac, "base64");
    if (got.length === expected.length && timingSafeEqual(got, expected)) return;
  }
  throw new WebhookVerificationError("no matching signature");
}

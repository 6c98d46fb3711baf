import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from "node:crypto";
import { decodeBase64, randomnessProblem } from "./keyMaterial";

const V1 = "enc:v1:";
const V2 = "enc:v2:";
const VARIABLE = "ENTREPOT_SECRET_KEY";
const MIN_KEY_BYTES = 32;

/** A configured ENTREPOT_SECRET_KEY that is missing, malformed or weak; the message says how to make one. */
export class SecretKeyError extends Error {
  constructor(message: string) {
    super(`${VARIABLE}: ${message}; generate a key with: openssl rand -base64 32`);
    this.name = "SecretKeyError";
  }
}

/** A stored secret that none of the configured keys opens. */
export class SecretDecryptError extends Error {
  constructor(
    message: string,
    /** id of the key the value was sealed with (undefined for enc:v1 values, which carry none) */
    readonly keyId: string | undefined,
  ) {
    super(message);
    this.name = "SecretDecryptError";
  }
}

interface Key {
  id: string;
  /** AES-256 key for enc:v2 values */
  aes: Buffer;
  /** AES-256 key of the enc:v1 format (SHA-256 of the key text), to read records written before key ids */
  legacy: Buffer;
}

/** Decodes one key: base64 (or hex) of >= 32 random bytes. Throws SecretKeyError naming the problem. */
function parseKey(text: string, position: number): Key {
  const where = position === 0 ? "the key" : `key #${position + 1}`;
  const bytes = /^(?:[0-9a-f]{2}){32,}$/i.test(text) ? Buffer.from(text, "hex") : decodeBase64(text);
  if (!bytes) throw new SecretKeyError(`${where} is not base64 (or hex)`);
  const problem = randomnessProblem(bytes, MIN_KEY_BYTES);
  if (problem) throw new SecretKeyError(`${where} ${problem}`);
  const id = `k${createHash("sha256").update("entrepot secret key id\0").update(bytes).digest("hex").slice(0, 8)}`;
  const aes = Buffer.from(hkdfSync("sha256", bytes, Buffer.alloc(0), "entrepot secret box v2", 32));
  return { id, aes, legacy: createHash("sha256").update(text).digest() };
}

function aesSeal(key: Buffer, plain: string): Buffer {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  const ct = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), ct]);
}

function aesOpen(key: Buffer, raw: Buffer): string | undefined {
  const decipher = createDecipheriv("aes-256-gcm", key, raw.subarray(0, 12));
  decipher.setAuthTag(raw.subarray(12, 28));
  try {
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString("utf8");
  } catch {
    return undefined; // authentication failed: another key
  }
}

/**
 * Encrypts secrets at rest (AES-256-GCM): webhook signing secrets and Slack webhook URLs. The
 * notifier must use them, so they are encrypted rather than hashed; the keys come from the
 * environment (ENTREPOT_SECRET_KEY), never from Redis.
 *
 * Several keys may be configured, comma-separated: the first encrypts, every one decrypts, so a
 * key is rotated by prepending the new one, re-writing the records, then dropping the old one.
 * A sealed value names its key: `enc:v2:<key id>:<base64 iv|tag|ciphertext>`. Values of the
 * earlier format (`enc:v1:`, no key id) are still read with any configured key.
 */
export class SecretBox {
  private readonly keys: readonly Key[];

  /** `keyList`: comma-separated keys, each base64 of at least 32 random bytes (`openssl rand -base64 32`). */
  constructor(keyList: string) {
    const texts = keyList
      .split(",")
      .map((k) => k.trim())
      .filter((k) => k.length > 0);
    if (texts.length === 0) throw new SecretKeyError("no key given");
    this.keys = texts.map((t, i) => parseKey(t, i));
    if (new Set(this.keys.map((k) => k.id)).size !== this.keys.length) throw new SecretKeyError("the same key is listed twice");
  }

  /** Id of the key that encrypts (the first configured). */
  get keyId(): string {
    return (this.keys[0] as Key).id;
  }

  /** Ids of every configured key. */
  get keyIds(): string[] {
    return this.keys.map((k) => k.id);
  }

  static isSealed(value: string): boolean {
    return value.startsWith(V2) || value.startsWith(V1);
  }

  /** The key id a sealed value names (undefined for enc:v1 values and plain text). */
  static keyIdOf(value: string): string | undefined {
    if (!value.startsWith(V2)) return undefined;
    return value.slice(V2.length).split(":")[0];
  }

  seal(plain: string): string {
    const key = this.keys[0] as Key;
    return `${V2}${key.id}:${aesSeal(key.aes, plain).toString("base64")}`;
  }

  /** Decrypts a sealed value; throws SecretDecryptError naming the key id when no configured key opens it. */
  open(sealed: string): string {
    if (sealed.startsWith(V2)) {
      const [id = "", body = ""] = sealed.slice(V2.length).split(":");
      const key = this.keys.find((k) => k.id === id);
      if (!key) {
        throw new SecretDecryptError(`sealed with key ${id}, which is not configured (${VARIABLE} holds ${this.keyIds.join(", ")})`, id);
      }
      const plain = aesOpen(key.aes, Buffer.from(body, "base64"));
      if (plain === undefined) throw new SecretDecryptError(`cannot decrypt a value sealed with key ${id}: corrupted`, id);
      return plain;
    }
    if (sealed.startsWith(V1)) {
      const raw = Buffer.from(sealed.slice(V1.length), "base64");
      for (const key of this.keys) {
        const plain = aesOpen(key.legacy, raw);
        if (plain !== undefined) return plain;
      }
      throw new SecretDecryptError(`cannot decrypt an enc:v1 value with any configured key: wrong ${VARIABLE}?`, undefined);
    }
    throw new Error("not a sealed value");
  }
}

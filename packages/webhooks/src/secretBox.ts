import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";

const PREFIX = "enc:v1:";

/**
 * Encrypts webhook secrets at rest (AES-256-GCM). The notifier must sign with the secret, so it
 * is encrypted rather than hashed; the key comes from the environment (ENTREPOT_SECRET_KEY) and
 * never from Redis.
 */
export class SecretBox {
  private readonly key: Buffer;

  /** `keyMaterial`: at least 32 characters; the AES key is its SHA-256. */
  constructor(keyMaterial: string) {
    if (keyMaterial.length < 32) throw new Error("secret key must be at least 32 characters");
    this.key = createHash("sha256").update(keyMaterial).digest();
  }

  static isSealed(value: string): boolean {
    return value.startsWith(PREFIX);
  }

  seal(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", this.key, iv);
    const ct = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
    return PREFIX + Buffer.concat([iv, cipher.getAuthTag(), ct]).toString("base64");
  }

  open(sealed: string): string {
    if (!SecretBox.isSealed(sealed)) throw new Error("not a sealed secret");
    const raw = Buffer.from(sealed.slice(PREFIX.length), "base64");
    const decipher = createDecipheriv("aes-256-gcm", this.key, raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(12, 28));
    try {
      return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString("utf8");
    } catch {
      throw new Error("cannot decrypt a stored secret: wrong ENTREPOT_SECRET_KEY?");
    }
  }
}

import { createCipheriv, createHash, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { generateSecretKey } from "./keyMaterial";
import { SecretBox, SecretDecryptError, SecretKeyError } from "./secretBox";

describe("SecretBox", () => {
  const key = generateSecretKey();
  const box = new SecretBox(key);

  it("round-trips, names its key and never stores the plain text", () => {
    const sealed = box.seal("whsec_abc");
    expect(sealed).toMatch(new RegExp(`^enc:v2:${box.keyId}:`));
    expect(SecretBox.keyIdOf(sealed)).toBe(box.keyId);
    expect(sealed).not.toContain("whsec_abc");
    expect(box.seal("whsec_abc")).not.toBe(sealed);
    expect(box.open(sealed)).toBe("whsec_abc");
  });

  it("rotates: the first key encrypts, every configured key decrypts", () => {
    const next = generateSecretKey();
    const rotated = new SecretBox(`${next}, ${key}`);
    expect(rotated.keyId).not.toBe(box.keyId);
    expect(rotated.keyIds).toEqual([rotated.keyId, box.keyId]);
    expect(rotated.open(box.seal("whsec_old"))).toBe("whsec_old");
    const sealedNew = rotated.seal("whsec_new");
    expect(SecretBox.keyIdOf(sealedNew)).toBe(rotated.keyId);
    expect(() => box.open(sealedNew)).toThrow(SecretDecryptError);
    expect(() => box.open(sealedNew)).toThrow(new RegExp(`key ${rotated.keyId}, which is not configured`));
    expect(() => new SecretBox(`${key},${key}`)).toThrow(/twice/);
  });

  it("accepts a hex key (openssl rand -hex 32) and reads enc:v1 values sealed with the key text", () => {
    const hex = randomBytes(32).toString("hex");
    const hexBox = new SecretBox(hex);
    expect(hexBox.open(hexBox.seal("x"))).toBe("x");
    // an enc:v1 value: AES-256-GCM under SHA-256 of the key text, as the earlier SecretBox wrote it
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", createHash("sha256").update(key).digest(), iv);
    const ct = Buffer.concat([cipher.update("whsec_legacy", "utf8"), cipher.final()]);
    const v1 = `enc:v1:${Buffer.concat([iv, cipher.getAuthTag(), ct]).toString("base64")}`;
    expect(SecretBox.isSealed(v1)).toBe(true);
    expect(new SecretBox(`${generateSecretKey()},${key}`).open(v1)).toBe("whsec_legacy");
    expect(() => hexBox.open(v1)).toThrow(/enc:v1/);
  });

  it.each([
    ["empty", ""],
    ["32 spaces", " ".repeat(32)],
    ["a repeated letter", "s".repeat(44)],
    ["a repeated pattern", "0123456789abcdef".repeat(3)],
    ["a phrase in base64", Buffer.from("correct horse battery staple and more words").toString("base64")],
    ["too short", randomBytes(16).toString("base64")],
    ["not base64", `${randomBytes(32).toString("base64")}!`],
    [
      "repeated random bytes",
      Buffer.concat([randomBytes(4), randomBytes(4)])
        .toString("hex")
        .repeat(4),
    ],
  ])("refuses a weak or malformed key: %s, naming the variable and how to generate one", (_label, text) => {
    expect(() => new SecretBox(text)).toThrow(SecretKeyError);
    expect(() => new SecretBox(text)).toThrow(/ENTREPOT_SECRET_KEY: .*openssl rand -base64 32/);
  });

  it("names the weak entry of a list", () => {
    expect(() => new SecretBox(`${key},${"k".repeat(44)}`)).toThrow(/key #2/);
  });
});

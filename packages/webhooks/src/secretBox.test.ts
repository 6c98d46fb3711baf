import { describe, expect, it } from "vitest";
import { SecretBox } from "./secretBox";

describe("SecretBox", () => {
  const box = new SecretBox("k".repeat(40));
  it("round-trips and never stores the plain text", () => {
    const sealed = box.seal("whsec_abc");
    expect(sealed).toMatch(/^enc:v1:/);
    expect(sealed).not.toContain("whsec_abc");
    expect(box.seal("whsec_abc")).not.toBe(sealed);
    expect(box.open(sealed)).toBe("whsec_abc");
  });
  it("refuses a wrong key and a short key", () => {
    expect(() => new SecretBox("x".repeat(40)).open(box.seal("whsec_abc"))).toThrow(/ENTREPOT_SECRET_KEY/);
    expect(() => new SecretBox("short")).toThrow(/32 characters/);
  });
});

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

describe("runtime", () => {
  it("runs on the Node major version pinned in .node-version (the README's commands bootstrap it)", () => {
    const pinned = readFileSync(new URL("../../.node-version", import.meta.url), "utf8").trim();
    expect(pinned).toMatch(/^\d+\.\d+\.\d+$/);
    const [major] = pinned.split(".");
    expect(process.versions.node.split(".")[0]).toBe(major);
  });
});

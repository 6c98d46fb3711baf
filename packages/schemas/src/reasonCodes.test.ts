import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { ReasonCode } from "./rejection";

describe("docs/reason-codes.md", () => {
  it("documents exactly the reason codes of the ReasonCode enum", () => {
    const doc = readFileSync(resolve(import.meta.dirname, "../../../docs/reason-codes.md"), "utf8");
    const documented = [...doc.matchAll(/^\| `([a-z_]+)` \|/gm)].map((m) => m[1]);
    expect([...documented].sort()).toEqual([...ReasonCode.options].sort());
  });
});

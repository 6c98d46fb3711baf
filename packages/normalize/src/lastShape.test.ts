import { describe, expect, it } from "vitest";
import { LastShape } from "./lastShape";

describe("LastShape", () => {
  it("derives once per run of equal key lists, again for any other list", () => {
    const derived: string[] = [];
    const shape = new LastShape((keys) => {
      derived.push(keys.join(","));
      return keys.join("+");
    });
    expect([shape.of(["a", "b"]), shape.of(["a", "b"]), shape.of(["b", "a"]), shape.of(["b"]), shape.of(["b", "a"])]).toEqual([
      "a+b",
      "a+b",
      "b+a",
      "b",
      "b+a",
    ]);
    expect(derived).toEqual(["a,b", "b,a", "b", "b,a"]);
  });
});

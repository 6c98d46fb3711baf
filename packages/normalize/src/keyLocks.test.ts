import { describe, expect, it } from "vitest";
import { KeyLocks } from "./keyLocks";

describe("KeyLocks", () => {
  it("lets holders of disjoint keys run at once and makes an overlapping one wait for the release", async () => {
    const locks = new KeyLocks();
    const releaseA = await locks.acquire(["k1", "k2"]);
    const releaseB = await locks.acquire(["k3"]); // disjoint: no wait
    let cGot = false;
    const c = locks.acquire(["k3", "k2"]).then((release) => {
      cGot = true;
      return release;
    });
    await new Promise((r) => setImmediate(r));
    expect(cGot).toBe(false);
    releaseA();
    await new Promise((r) => setImmediate(r));
    expect(cGot).toBe(false); // k3 still held by B
    releaseB();
    const releaseC = await c;
    expect(cGot).toBe(true);
    expect(locks.size).toBe(2);
    releaseC();
    releaseC(); // idempotent
    expect(locks.size).toBe(0);
  });

  it("serves waiters of one key one at a time, each after the previous released", async () => {
    const locks = new KeyLocks();
    const order: string[] = [];
    const hold = async (name: string) => {
      const release = await locks.acquire(["fact"]);
      order.push(`${name} in`);
      await new Promise((r) => setImmediate(r));
      order.push(`${name} out`);
      release();
    };
    await Promise.all([hold("a"), hold("b"), hold("c")]);
    expect(order).toHaveLength(6);
    for (let i = 0; i < 6; i += 2) expect(order[i + 1]).toBe(order[i]?.replace("in", "out"));
  });
});

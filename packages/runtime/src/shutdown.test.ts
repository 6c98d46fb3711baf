import pino from "pino";
import { describe, expect, it } from "vitest";
import { ShutdownRegistry } from "./shutdown";

const quiet = pino({ level: "silent" });

describe("ShutdownRegistry", () => {
  it("closes the latest registered first, once, and reports success", async () => {
    const order: string[] = [];
    const reg = new ShutdownRegistry(quiet);
    reg.register({ name: "consumer", close: async () => void order.push("consumer") });
    reg.register({ name: "health", close: async () => void order.push("health") });
    expect(await reg.close()).toBe(true);
    expect(await reg.close()).toBe(true);
    expect(order).toEqual(["health", "consumer"]);
  });

  it("keeps closing the others when one fails, and reports failure", async () => {
    const closed: string[] = [];
    const reg = new ShutdownRegistry(quiet);
    reg.register({ name: "a", close: async () => void closed.push("a") });
    reg.register({ name: "b", close: () => Promise.reject(new Error("boom")) });
    expect(await reg.close()).toBe(false);
    expect(closed).toEqual(["a"]);
  });

  it("gives up on a close that never finishes after the deadline", async () => {
    const reg = new ShutdownRegistry(quiet, 50);
    reg.register({ name: "stuck", close: () => new Promise<void>(() => undefined) });
    expect(await reg.close()).toBe(false);
  });
});

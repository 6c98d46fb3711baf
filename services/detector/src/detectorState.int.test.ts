import { uniquePrefix } from "@entrepot/testkit";
import { Redis } from "ioredis";
import { afterAll, describe, expect, inject, it } from "vitest";
import { DetectorState } from "./detectorState";

const redis = new Redis(inject("redisUrl"));
afterAll(() => {
  redis.disconnect();
});

describe("DetectorState dirty marks (generations)", () => {
  it("an evaluation clears a company's mark only if nothing marked it again since it took the generation", async () => {
    const state = new DetectorState(redis, uniquePrefix("dirty"));
    await state.dirty.mark(["ACME", "BOLT"]);
    expect(await state.dirty.list()).toEqual(["ACME", "BOLT"]);

    // the evaluation of ACME takes its generation, then reads its facts and publishes...
    const acme = await state.dirty.generation("ACME");
    // ...while a batch of ACME's facts is consumed: stored and marked after the evaluation read the facts
    await state.dirty.mark(["ACME"]);
    // the evaluation's clear must leave ACME dirty, so the facts it did not read are evaluated
    expect(await state.dirty.clear("ACME", acme)).toBe(false);
    expect(await state.dirty.list()).toEqual(["ACME", "BOLT"]);

    // the next evaluation saw everything: its clear removes the mark
    expect(await state.dirty.clear("ACME", await state.dirty.generation("ACME"))).toBe(true);
    expect(await state.dirty.list()).toEqual(["BOLT"]);
  });

  it("keeps company and customs marks apart; a scope not dirty when the evaluation started is not cleared by it", async () => {
    const state = new DetectorState(redis, uniquePrefix("dirty"));
    const before = await state.customsDirty.generation("hs6:854231");
    expect(before).toBeNull();
    await state.customsDirty.mark(["hs6:854231", "reporter:SG", "hs6:854231"]);
    expect(await state.customsDirty.clear("hs6:854231", before)).toBe(false);
    expect(await state.customsDirty.list()).toEqual(["hs6:854231", "reporter:SG"]);
    expect(await state.dirty.list()).toEqual([]);
    // a rebuild (no consumer running) clears unconditionally
    expect(await state.customsDirty.clear("reporter:SG")).toBe(true);
    expect(await state.customsDirty.list()).toEqual(["hs6:854231"]);
  });
});

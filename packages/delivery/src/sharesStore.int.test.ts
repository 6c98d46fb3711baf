import { compositionOf } from "@entrepot/report";
import { uniquePrefix } from "@entrepot/testkit";
import { Redis } from "ioredis";
import { afterAll, describe, expect, inject, it } from "vitest";
import { SharesStore } from "./sharesStore";

describe("SharesStore on real Redis", () => {
  const redis = new Redis(inject("redisUrl"));
  afterAll(() => redis.disconnect());
  const NVDA = { company: "NVDA" };
  const hubImports = { reporter: "SG", hs: "854231", flow: "import" };

  it("keeps the latest composition per entity, basis and period, and finds them by entity keys and period range", async () => {
    const store = new SharesStore(redis, uniquePrefix("shares"));
    expect(await store.put([])).toBe(0);
    await store.put(
      [
        compositionOf(NVDA, "FY2025-Q3", { SG: 20, US: 80 }),
        compositionOf(NVDA, "FY2024-Q3", { SG: 13, US: 87 }),
        compositionOf(hubImports, "2024-08", { TW: 3, KR: 1 }),
        compositionOf({ company: "AMD" }, "FY2025-Q3", { US: 1 }),
      ],
      new Date("2026-01-01T00:00:00Z"),
    );
    // a re-published period replaces the earlier one; another basis sits beside it
    await store.put(
      [compositionOf(NVDA, "FY2025-Q3", { SG: 22, US: 78 }), compositionOf(NVDA, "FY2025-Q3", { SG: 5, US: 95 }, { basis: "shipping" })],
      new Date("2026-01-02T00:00:00Z"),
    );

    const nvda = await store.find({ company: "NVDA" });
    expect(nvda.map((c) => [c.period, c.parts.find((p) => p.region === "SG")?.amount, (c as { basis?: string }).basis])).toEqual([
      ["FY2024-Q3", 13, undefined],
      ["FY2025-Q3", 22, undefined],
      ["FY2025-Q3", 5, "shipping"],
    ]);
    expect((await store.find({ company: "NVDA" }, { from: "FY2025-Q1", to: "FY2025-Q4" })).map((c) => c.period)).toEqual([
      "FY2025-Q3",
      "FY2025-Q3",
    ]);
    expect((await store.find({ reporter: "SG", flow: "import" })).map((c) => c.entity)).toEqual([hubImports]);
    expect(await store.find({ reporter: "SG", flow: "export" })).toEqual([]);
    expect((await store.find({})).length).toBe(5);

    expect(await store.entities()).toEqual([
      {
        key: "company=AMD",
        entity: { company: "AMD" },
        bases: ["-"],
        periods: 1,
        first: "FY2025-Q3",
        last: "FY2025-Q3",
        updatedAt: "2026-01-01T00:00:00.000Z",
      },
      {
        key: "company=NVDA",
        entity: NVDA,
        bases: ["-", "shipping"],
        periods: 2,
        first: "FY2024-Q3",
        last: "FY2025-Q3",
        updatedAt: "2026-01-02T00:00:00.000Z",
      },
      {
        key: "flow=import,hs=854231,reporter=SG",
        entity: hubImports,
        bases: ["-"],
        periods: 1,
        first: "2024-08",
        last: "2024-08",
        updatedAt: "2026-01-01T00:00:00.000Z",
      },
    ]);
  });

  it("tells which compositions differ from the stored ones (what is not yet published)", async () => {
    const store = new SharesStore(redis, uniquePrefix("shares"));
    const q3 = compositionOf(NVDA, "FY2025-Q3", { SG: 20, US: 80 });
    const q2 = compositionOf(NVDA, "FY2025-Q2", { SG: 18, US: 82 });
    const hub = compositionOf(hubImports, "2024-08", { TW: 3, KR: 1 });
    expect(await store.changed([])).toEqual([]);
    expect(await store.changed([q3, q2, hub])).toEqual([q3, q2, hub]);
    await store.put([q3, q2, hub]);
    expect(await store.changed([q3, q2, hub])).toEqual([]);
    // a changed figure, another basis for the same period, a new period: each differs
    const q3Restated = compositionOf(NVDA, "FY2025-Q3", { SG: 22, US: 78 });
    const q3Shipping = compositionOf(NVDA, "FY2025-Q3", { SG: 5, US: 95 }, { basis: "shipping" });
    const q4 = compositionOf(NVDA, "FY2025-Q4", { SG: 23, US: 77 });
    expect(await store.changed([q2, q3Restated, hub, q3Shipping, q4])).toEqual([q3Restated, q3Shipping, q4]);
  });

  it("keeps each prefix apart", async () => {
    const a = new SharesStore(redis, uniquePrefix("shares"));
    const b = new SharesStore(redis, uniquePrefix("shares"));
    await a.put([compositionOf(NVDA, "FY2025-Q3", { SG: 1 })]);
    expect(await b.entities()).toEqual([]);
    expect(await b.find({})).toEqual([]);
  });
});

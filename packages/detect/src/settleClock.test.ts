import { describe, expect, it } from "vitest";
import { SettleClock } from "./settleClock";

const scopesDue = (clock: SettleClock, now: number, caughtUp: boolean) => clock.due(now, caughtUp).map((d) => d.scope);

describe("SettleClock", () => {
  it("makes a scope due once it had no new fact for the settle time and the consumer caught up", () => {
    const clock = new SettleClock(500, 30_000);
    clock.touch(["NVDA"], 0);
    clock.touch(["NVDA"], 300);
    expect(scopesDue(clock, 700, true)).toEqual([]); // 400 ms after its last fact
    expect(clock.nextWake(700)).toBe(100);
    expect(scopesDue(clock, 800, false)).toEqual([]); // settled, but a backlog is waiting
    expect(scopesDue(clock, 800, true)).toEqual(["NVDA"]);
    expect(clock.pending).toBe(0);
    expect(clock.nextWake(800)).toBeUndefined();
  });

  it("tells when a due scope's first new fact arrived (how long it waited for its evaluation)", () => {
    const clock = new SettleClock(500, 30_000);
    clock.touch(["NVDA", "AMD"], 100);
    clock.touch(["NVDA"], 400);
    clock.touch(["MU"], 600);
    expect(clock.due(1_000, true)).toEqual([
      { scope: "NVDA", firstTouched: 100 },
      { scope: "AMD", firstTouched: 100 },
    ]);
    expect(clock.due(1_100, true)).toEqual([{ scope: "MU", firstTouched: 600 }]);
  });

  it("settles each scope on its own: a stream of other scopes' facts does not hold a quiet one back", () => {
    const clock = new SettleClock(500, 30_000);
    clock.touch(["AAPL"], 0);
    const due: string[] = [];
    for (let t = 100; t <= 2_000; t += 100) {
      clock.touch([`busy-${t}`, "BUSY"], t); // a new batch every 100 ms
      due.push(...scopesDue(clock, t, true));
    }
    expect(due[0]).toBe("AAPL");
    expect(due).toContain("busy-100");
    expect(due).not.toContain("BUSY"); // touched by every batch: not settled yet
  });

  it("evaluates at the latest maxDefer after the first new fact, caught up or not, however often it is touched", () => {
    const clock = new SettleClock(500, 3_000);
    clock.touch(["NVDA"], 0);
    for (let t = 100; t < 3_000; t += 100) {
      clock.touch(["NVDA"], t);
      expect(scopesDue(clock, t, false)).toEqual([]);
      expect(clock.nextWake(t)).toBeLessThanOrEqual(3_000 - t);
    }
    expect(scopesDue(clock, 3_000, false)).toEqual(["NVDA"]);
  });

  it("looks again after the settle time while a settled scope waits for the consumer", () => {
    const clock = new SettleClock(500, 30_000);
    clock.touch(["NVDA"], 0);
    expect(scopesDue(clock, 600, false)).toEqual([]);
    expect(clock.nextWake(600)).toBe(500);
    clock.touch(["MU"], 29_900);
    expect(clock.nextWake(29_800)).toBe(200); // NVDA's deadline comes before another look
  });
});

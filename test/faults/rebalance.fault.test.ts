import { describe, expect, it } from "vitest";
import { seededInt } from "./faultFeed";
import { expectLossless, faultScenarios, SEED } from "./faultScenario";

/**
 * A second normalizer joins the consumer group mid-stream and leaves it (SIGTERM) a few chunks
 * later: two rebalances while records flow, nothing lost.
 */
describe("faults: a rebalance of the normalizer group", () => {
  const scenarios = faultScenarios();

  it("a second normalizer joins and leaves mid-stream", async () => {
    const s = await scenarios.start("rebalance", SEED + 40);
    const chunks = s.feed.files.length;
    const joinAt = seededInt(s.random, 0, chunks - 4);
    const leaveAt = seededInt(s.random, joinAt + 1, chunks - 2);
    s.figure("seed", `${SEED + 40}: second normalizer joins after chunk ${joinAt}, leaves after chunk ${leaveAt} of ${chunks}`);
    let joined: Promise<void> | undefined;
    let left: Promise<number | null> | undefined;
    await s.ingestFeed({
      [joinAt]: async () => {
        s.mark("second normalizer starting");
        joined = s.spawn("normalizer", "normalizer-2").then(() => s.mark("second normalizer in the group"));
      },
      [leaveAt]: async () => {
        // it leaves only once it has joined: a rebalance in each direction
        await joined;
        s.mark("second normalizer leaving");
        s.markRecoveryFrom("second normalizer leaving");
        left = s.stop("normalizer-2");
      },
    });
    expect(await left).toBe(0);
    await s.settle();
    expectLossless(await s.reconcile(), { kafkaDuplicates: true });
  });
});

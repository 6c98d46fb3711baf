import { describe, it } from "vitest";
import { expectLossless, faultScenarios, SEED } from "./faultScenario";

/**
 * The subscriber refuses connections for the whole run and comes back once everything upstream is
 * done: the notifier's retries (a schedule of about 75 s for the suite) deliver every alert after
 * the recovery, each webhook-id once.
 */
describe("faults: a subscriber down for the whole run", () => {
  const scenarios = faultScenarios();

  it("receives every delivery after it comes back", async () => {
    const s = await scenarios.start("subscriber-down", SEED + 30);
    s.figure("seed", `${SEED + 30} (no seeded point: down from before the first row until every lag is 0)`);
    await s.receiver.down();
    s.mark("subscriber down");
    await s.ingestFeed();
    const upstream = ["normalizer", "detector", "notifier"] as const;
    await s.waitFor("every lag 0 with the subscriber down", async () => {
      const lags = await Promise.all(upstream.map((service) => s.lag(service)));
      return lags.every((l) => l === 0) && (await s.messagesOn("alerts")) > 0;
    });
    await s.receiver.up();
    s.mark("subscriber up");
    s.markRecoveryFrom("subscriber up");
    await s.settle();
    expectLossless(await s.reconcile());
  });
});

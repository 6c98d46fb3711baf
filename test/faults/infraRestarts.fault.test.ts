import { describe, it } from "vitest";
import { seededInt } from "./faultFeed";
import { expectLossless, faultScenarios, SEED } from "./faultScenario";
import { startKafka, startRedis, stopKafka, stopRedis } from "./privateInfra";

/**
 * The suite's private broker and Redis stopped and started again mid-stream (the shared ones are
 * never touched). Nobody restarts a service: producers and consumers must recover by themselves,
 * so an exit of any service fails the scenario.
 */
describe("faults: broker and Redis restarts", () => {
  const scenarios = faultScenarios();

  it("broker stopped and restarted while the feed streams in", async () => {
    const s = await scenarios.start("broker-restart", SEED + 10);
    const at = seededInt(s.random, 1, s.feed.files.length - 3);
    s.figure("seed", `${SEED + 10}: broker stopped after chunk ${at} of ${s.feed.files.length}`);
    let back: Promise<void> | undefined;
    await s.ingestFeed({
      [at]: async () => {
        await stopKafka(s.infra);
        s.mark("broker stopped");
        // the next chunks are ingested while it starts again: the ingest's producer must wait it out
        back = startKafka(s.infra).then(() => s.markRecoveryFrom("broker back"));
      },
    });
    await back;
    await s.settle();
    expectLossless(await s.reconcile(), { kafkaDuplicates: true });
  });

  it("Redis restarted while the feed streams in and again while webhooks go out: no job lost, no webhook-id twice", async () => {
    const s = await scenarios.start("redis-restart", SEED + 20);
    const at = seededInt(s.random, 1, s.feed.files.length - 2);
    const webhooks = seededInt(s.random, 5, 60);
    s.figure("seed", `${SEED + 20}: Redis restarted after chunk ${at} of ${s.feed.files.length} and after ${webhooks} webhooks`);
    const restartRedis = async () => {
      // SIGTERM: Redis writes its append-only file before it exits (infra/redis/redis.conf)
      await stopRedis(s.infra);
      s.mark("Redis stopped");
      await startRedis(s.infra);
      s.markRecoveryFrom("Redis back");
    };
    await s.ingestFeed({ [at]: restartRedis });
    await s.waitFor(`${webhooks} webhooks`, async () => s.receiver.requests.length >= webhooks);
    await restartRedis();
    await s.settle();
    expectLossless(await s.reconcile(), { kafkaDuplicates: true });
  });
});

import { describe, it } from "vitest";
import { seededInt } from "./faultFeed";
import { expectLossless, faultScenarios, SEED } from "./faultScenario";

/**
 * kill -9 of each streaming service at seeded points of the stream, each restarted at once (as a
 * supervisor would): every row still reaches its clean topic or rejects.v1, the alerts converge to
 * what the offline analysis finds, and the subscriber receives every alert it must. One run for
 * the three services: a killed consumer's partitions wait for its Kafka session to expire (10 s),
 * so the kills overlap to keep the suite short.
 */
describe("faults: kill -9 of the services mid-stream", () => {
  const scenarios = faultScenarios();

  it("normalizer and detector killed while they consume, detector again while it evaluates, notifier while it delivers", async () => {
    const s = await scenarios.start("kill-9", SEED);
    const chunks = s.feed.files.length;
    const normalizerAt = seededInt(s.random, 0, chunks - 3);
    const detectorAt = seededInt(s.random, normalizerAt + 1, chunks - 2);
    const alerts = seededInt(s.random, 10, 60);
    const webhooks = seededInt(s.random, 3, 20);
    s.figure(
      "seed",
      `${SEED}: normalizer after chunk ${normalizerAt} of ${chunks}, detector after chunk ${detectorAt} and after ${alerts} alerts, notifier after ${webhooks} more webhooks`,
    );
    const restarts: Promise<void>[] = [];
    const killWhenConsuming = (service: "normalizer" | "detector") => async () => {
      // it has committed something of this run: the kill lands inside its stream, not before it
      await s.waitFor(`${service} progress`, async () => (await s.committed(service)) > 0);
      await s.kill(service);
      restarts.push(s.restart(service));
    };
    await s.ingestFeed({ [normalizerAt]: killWhenConsuming("normalizer"), [detectorAt]: killWhenConsuming("detector") });
    await Promise.all(restarts);

    // evaluation starts once the clean topic has been quiet for the settle window; the notifier is
    // killed while it delivers what the detector published before its own kill, so both restarts overlap
    await s.waitFor(`${alerts} messages on alerts.v1`, async () => (await s.messagesOn("alerts")) >= alerts);
    await s.kill("detector");
    const detectorBack = s.restart("detector");
    const sent = s.receiver.requests.length;
    await s.waitFor(`${webhooks} more webhooks`, async () => s.receiver.requests.length >= sent + webhooks);
    await s.kill("notifier");
    // until its restart no other notifier runs: a webhook first received before then was sent by the
    // killed one (possibly read by the receiver only after the signal: it was on the wire)
    const notifierRestartedAt = Date.now();
    await Promise.all([detectorBack, s.restart("notifier")]);

    await s.settle();
    expectLossless(await s.reconcile(), { kafkaDuplicates: true, webhookResentBefore: notifierRestartedAt });
  });
});

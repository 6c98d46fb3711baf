import { readTopicToEnd } from "@entrepot/kafka";
import { HEADERS, Rejection, topicName } from "@entrepot/schemas";
import { describe, expect, it } from "vitest";
import { expectLossless, faultScenarios, SEED } from "./faultScenario";

/** Messages no stage can read, published straight to each stage's input topic. */
const POISON = [
  {
    topic: "revenueRaw",
    key: "poison-raw-bytes",
    value: Buffer.from([0x00, 0xff, 0xfe, 0x7b, 0x22]),
    stage: "normalize",
    reason: "bad_json",
  },
  {
    topic: "revenueRaw",
    key: "poison-raw-shape",
    value: Buffer.from('{"feed":"revenue","fields":42}'),
    stage: "normalize",
    reason: "schema_violation",
  },
  {
    topic: "revenueClean",
    key: "poison-clean",
    value: Buffer.from('{"company":"FLT001","revenueUsd":"lots"}'),
    stage: "detect",
    reason: "schema_violation",
  },
  {
    topic: "alerts",
    key: "poison-alert",
    value: Buffer.from('{"alertId":"","status":"exploded"}'),
    stage: "notify",
    reason: "schema_violation",
  },
] as const;

/**
 * Poison records among the feed: nothing crashes (no exit, every service still stops cleanly),
 * each lands on rejects.v1 exactly once with the stage that refused it, and the feed around them
 * is reconciled like any other run.
 */
describe("faults: poison records", () => {
  const scenarios = faultScenarios();

  it("dead-letters each poison record once and loses nothing around it", async () => {
    const s = await scenarios.start("poison", SEED + 50);
    s.figure("seed", `${SEED + 50}: poison after chunk 0 (raw, clean and alerts topics)`);
    // a plain client on purpose: the project's producer only writes JSON, these are not
    const producer = s.kafka.kafkajs().producer();
    await producer.connect();
    await s.ingestFeed({
      0: async () => {
        for (const p of POISON)
          await producer.send({ topic: topicName(s.prefix, p.topic), messages: [{ key: p.key, value: p.value }], acks: -1 });
        s.mark("poison published");
      },
    });
    await producer.disconnect();
    await s.settle();
    const result = await s.reconcile();
    expectLossless(result);

    const rejects = await readTopicToEnd(s.kafka, topicName(s.prefix, "rejects"), 60_000);
    for (const p of POISON) {
      const dead = rejects.filter((m) => m.key === p.key);
      expect(dead, `${p.key}\n${result.table}`).toHaveLength(1);
      expect(Rejection.parse(JSON.parse(dead[0]?.value ?? "")), p.key).toMatchObject({ stage: p.stage, reason: p.reason });
      expect(dead[0]?.headers[HEADERS.dlqTopic]).toBe(topicName(s.prefix, p.topic));
    }
    expect(await s.close(), "every service exits 0 on SIGTERM").toEqual([0, 0, 0]);
  });
});

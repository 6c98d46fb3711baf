import { createKafka, ensureTopics, readTopicToEnd } from "@entrepot/kafka";
import { createLogger, Metrics } from "@entrepot/runtime";
import { Alert, topicDefinitions, topicName } from "@entrepot/schemas";
import { makeAlert, uniquePrefix, waitFor } from "@entrepot/testkit";
import { Redis } from "ioredis";
import { afterAll, describe, expect, inject, it } from "vitest";
import { type DetectorHandle, startDetector } from "./detector";
import { DetectorState } from "./detectorState";

const logger = createLogger({ name: "detector-recovery-int", level: "silent" });
const kafka = createKafka({ brokers: inject("kafkaBrokers").split(","), clientId: "detector-recovery-int", logger });
const redis = new Redis(inject("redisUrl"));
const handles: DetectorHandle[] = [];
afterAll(async () => {
  for (const h of handles) await h.close();
  redis.disconnect();
});

describe("a detector killed between publishing an evaluation and storing it (real Kafka and Redis)", () => {
  it("finishes that publish on restart and retracts the alerts that no longer hold, instead of leaving them active", async () => {
    const prefix = uniquePrefix("detect-recover");
    await ensureTopics(kafka, topicDefinitions(prefix));
    const state = new DetectorState(redis, prefix);
    // what the killed detector left: ACME dirty, an alert (fired on part of ACME's history) noted
    // as being published, perhaps already on alerts.v1, never stored
    const partial = makeAlert({ entity: { company: "ACME" }, rule: "data_gap", region: "JP", period: "FY2022-Q2" });
    await state.dirty.mark(["ACME"]);
    await state.beginPublish("ACME", [partial]);

    // ACME's facts (none here) do not raise it: the restarted detector must retract it
    handles.push(await startDetector({ kafka, redis, topicPrefix: prefix, logger, metrics: new Metrics(), settleMs: 100 }));
    const revisions = await waitFor(
      async () => {
        const said = (await readTopicToEnd(kafka, topicName(prefix, "alerts"), 30_000))
          .map((m) => Alert.parse(JSON.parse(m.value ?? "")))
          .filter((a) => a.alertId === partial.alertId)
          .map((a) => `${a.status} r${a.revision}`);
        return said.includes("retracted r2") && said;
      },
      { timeoutMs: 60_000, description: "the partial alert retracted on alerts.v1" },
    );
    expect(revisions).toEqual(["fired r1", "retracted r2"]);
    expect((await state.alerts("ACME")).get(partial.alertId)).toMatchObject({ status: "retracted", revision: 2 });
    expect(await state.unfinishedPublish("ACME")).toEqual([]);
    await waitFor(async () => (await state.dirty.list()).length === 0, { timeoutMs: 30_000, description: "ACME evaluated" });
  });
});

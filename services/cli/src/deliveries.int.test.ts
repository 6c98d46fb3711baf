import { DeliveryJobData, deliveryQueueName } from "@entrepot/delivery";
import { uniquePrefix, waitFor } from "@entrepot/testkit";
import { Queue, UnrecoverableError, Worker } from "bullmq";
import { Redis } from "ioredis";
import { afterAll, describe, expect, inject, it } from "vitest";
import { deliveriesCommand, silencesCommand } from "./deliveries";

describe("entrepot deliveries and silences on real Redis", () => {
  const redisUrl = inject("redisUrl");
  const redis = new Redis(redisUrl);
  afterAll(() => redis.disconnect());

  it("lists the failed set, replays one, all, or those failed since a time", async () => {
    const prefix = uniquePrefix("clidel");
    const connection = redis.duplicate({ maxRetriesPerRequest: null });
    const queue = new Queue(deliveryQueueName(prefix), { connection });
    let fail = true;
    const worker = new Worker(
      deliveryQueueName(prefix),
      async () => {
        if (fail) throw new UnrecoverableError("POST http://127.0.0.1:1 answered 500");
        return "ok";
      },
      { connection: redis.duplicate({ maxRetriesPerRequest: null }) },
    );
    try {
      const jobs = ["a", "b"].map((x) => ({ kind: "digest" as const, subscriptionId: `sub_${x}`, windowId: `w${x}`, eventId: `dig_${x}` }));
      for (const j of jobs) await queue.add("digest", DeliveryJobData.parse(j), { jobId: `digest/${j.subscriptionId}/${j.windowId}` });
      await waitFor(async () => (await queue.getFailedCount()) === 2, { description: "two failed jobs" });

      const out: string[] = [];
      expect(await deliveriesCommand("failed", ["--json"], redisUrl, prefix, (l) => out.push(l))).toBe(0);
      const failed = JSON.parse(out.join("\n")) as { jobId: string; reason: string }[];
      expect(failed.map((f) => f.jobId).sort()).toEqual(["digest/sub_a/wa", "digest/sub_b/wb"]);
      expect(failed[0]?.reason).toContain("answered 500");

      fail = false;
      expect(await deliveriesCommand("retry", ["digest/sub_a/wa"], redisUrl, prefix, () => undefined)).toBe(0);
      await waitFor(async () => (await queue.getFailedCount()) === 1, { description: "one replayed" });
      expect(await deliveriesCommand("retry", ["digest/nope"], redisUrl, prefix, () => undefined)).toBe(1);
      const future = new Date(Date.now() + 3_600_000).toISOString();
      const recovered: string[] = [];
      await deliveriesCommand("recover", ["--since", future], redisUrl, prefix, (l) => recovered.push(l));
      expect(recovered[0]).toMatch(/^replaying 0 /);
      const all: string[] = [];
      await deliveriesCommand("retry", ["--all"], redisUrl, prefix, (l) => all.push(l));
      expect(all[0]).toMatch(/^replaying 1 /);
      await waitFor(async () => (await queue.getCompletedCount()) === 2, { description: "both delivered" });
      await expect(deliveriesCommand("recover", [], redisUrl, prefix, () => undefined)).rejects.toThrow(/--since/);
    } finally {
      await worker.close();
      await queue.close();
      connection.disconnect();
    }
  });

  it("adds, lists and removes silences", async () => {
    const prefix = uniquePrefix("clisil");
    const out: string[] = [];
    expect(await silencesCommand("add", ["--company", "NVDA", "--for", "2h", "--json"], redisUrl, prefix, (l) => out.push(l))).toBe(0);
    const { id } = JSON.parse(out.join("\n")) as { id: string };
    const listed: string[] = [];
    await silencesCommand("list", ["--json"], redisUrl, prefix, (l) => listed.push(l));
    expect((JSON.parse(listed.join("\n")) as { id: string; matchers: unknown }[]).map((s) => [s.id, s.matchers])).toEqual([
      [id, { company: "NVDA" }],
    ]);
    expect(await silencesCommand("rm", [id], redisUrl, prefix, () => undefined)).toBe(0);
    expect(await silencesCommand("rm", [id], redisUrl, prefix, () => undefined)).toBe(1);
    await expect(silencesCommand("add", ["--for", "2h"], redisUrl, prefix, () => undefined)).rejects.toThrow(
      /--company, --region or --rule/,
    );
  });
});

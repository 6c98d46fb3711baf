import { DeliveryJobData, deliveryQueueName, SubscriptionStore } from "@entrepot/delivery";
import { uniquePrefix, waitFor } from "@entrepot/testkit";
import { generateSecretKey, SecretBox } from "@entrepot/webhooks";
import { Queue, UnrecoverableError, Worker } from "bullmq";
import { Redis } from "ioredis";
import { afterAll, describe, expect, inject, it } from "vitest";
import { deliveriesCommand, silencesCommand, subscriptionStoreFromEnv } from "./deliveries";

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

  it("refuses silences longer than ENTREPOT_SILENCE_MAX_DAYS", async () => {
    const prefix = uniquePrefix("clisilmax");
    await expect(silencesCommand("add", ["--company", "NVDA", "--for", "91d"], redisUrl, prefix, () => undefined)).rejects.toThrow(
      /at most 90 days/,
    );
    await expect(
      silencesCommand("add", ["--company", "NVDA", "--until", "9999-12-31T00:00:00Z"], redisUrl, prefix, () => undefined),
    ).rejects.toThrow(/expiresAt/);
    expect(await silencesCommand("add", ["--company", "NVDA", "--for", "90d"], redisUrl, prefix, () => undefined)).toBe(0);
  });

  it("requires a strong ENTREPOT_SECRET_KEY for subscriptions, checks URLs and names unreadable records", async () => {
    const prefix = uniquePrefix("clisub");
    expect(() => subscriptionStoreFromEnv(redis, prefix, {})).toThrow(/ENTREPOT_SECRET_KEY/);
    expect(() => subscriptionStoreFromEnv(redis, prefix, { ENTREPOT_SECRET_KEY: " ".repeat(32) })).toThrow(/openssl rand -base64 32/);
    expect(() => subscriptionStoreFromEnv(redis, prefix, { ENTREPOT_SECRET_KEY: "s".repeat(40) })).toThrow(/ENTREPOT_SECRET_KEY/);
    const key = generateSecretKey();
    const store = subscriptionStoreFromEnv(redis, prefix, { ENTREPOT_SECRET_KEY: key });
    await expect(store.add({ url: "http://169.254.169.254/latest/meta-data/" })).rejects.toThrow(/non-public/);
    await expect(store.add({ url: "https://hooks.example.com/in", secret: "whsec_QQ==" })).rejects.toThrow(/weak secret/);
    const dev = subscriptionStoreFromEnv(redis, prefix, { ENTREPOT_SECRET_KEY: key, ENTREPOT_WEBHOOK_ALLOW: "127.0.0.1:9000" });
    const ok = await dev.add({ url: "http://127.0.0.1:9000/in" });
    const stored = await redis.hget(`${prefix}entrepot:subscriptions`, ok.id);
    expect(stored).not.toContain(ok.secret);
    expect(stored).toContain(`enc:v2:${new SecretBox(key).keyId}:`);
    // a record another key wrote is skipped and named on stderr, the listing goes on
    const other = await new SubscriptionStore(redis, prefix, new SecretBox(generateSecretKey())).add({ url: "https://x.example/" });
    const stderr: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string) => stderr.push(String(chunk)) > 0) as typeof process.stderr.write;
    try {
      expect((await store.list()).map((s) => s.id)).toEqual([ok.id]);
    } finally {
      process.stderr.write = write;
    }
    expect(stderr.join("")).toContain(`subscription ${other.id} is unreadable`);
  });
});

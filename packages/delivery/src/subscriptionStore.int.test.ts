import { uniquePrefix } from "@entrepot/testkit";
import { generateSecretKey, parseOutboundPolicy, SecretBox } from "@entrepot/webhooks";
import { Redis } from "ioredis";
import { afterAll, describe, expect, inject, it } from "vitest";
import { SilenceStore } from "./silenceStore";
import { publicSubscription, SubscriptionStore, type UnreadableSubscription, UnreadableSubscriptionError } from "./subscriptionStore";

describe("subscription and silence stores on real Redis", () => {
  const redis = new Redis(inject("redisUrl"));
  afterAll(() => redis.disconnect());
  const box = new SecretBox(generateSecretKey());

  it("skips, reports and names a record sealed under another key; the others stay readable", async () => {
    const prefix = uniquePrefix("subpoison");
    const reported: UnreadableSubscription[] = [];
    const store = new SubscriptionStore(redis, prefix, box, { onUnreadable: (r) => reported.push(r) });
    const a = await store.add({ url: "https://a.example/hook" });
    // what a CLI run with the wrong ENTREPOT_SECRET_KEY leaves behind
    const wrongBox = new SecretBox(generateSecretKey());
    const poisoned = await new SubscriptionStore(redis, prefix, wrongBox).add({ url: "https://poisoned.example/hook" });
    const b = await store.add({ url: "https://b.example/hook" });
    await redis.hset(`${prefix}entrepot:subscriptions`, "sub_garbage", "{not json");

    expect((await store.list()).map((s) => s.id)).toEqual([a.id, b.id]);
    expect(reported.map((r) => r.id).sort()).toEqual([poisoned.id, "sub_garbage"].sort());
    expect(reported.find((r) => r.id === poisoned.id)).toMatchObject({
      keyId: wrongBox.keyId,
      reason: expect.stringContaining(wrongBox.keyId),
    });
    const scan = await store.scan();
    expect(scan.unreadable.map((u) => u.id).sort()).toEqual([poisoned.id, "sub_garbage"].sort());
    await expect(store.get(poisoned.id)).rejects.toThrow(UnreadableSubscriptionError);
    // deleting it needs no key
    expect(await store.remove(poisoned.id)).toBe(true);
  });

  it("stores a Slack URL encrypted and lists it masked", async () => {
    const prefix = uniquePrefix("subslack");
    const store = new SubscriptionStore(redis, prefix, box);
    const url = "https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXXXXXXXXXXXXXX";
    const sub = await store.add({ url, channel: "slack" });
    const raw = (await redis.hget(`${prefix}entrepot:subscriptions`, sub.id)) ?? "";
    expect(raw).not.toContain("XXXXXXXX");
    expect(raw).not.toContain("hooks.slack.com");
    expect((await store.get(sub.id))?.url).toBe(url);
    expect(publicSubscription(sub).url).toBe("https://hooks.slack.com/***");
    expect(JSON.stringify(publicSubscription(sub))).not.toContain("XXXXXXXX");
  });

  it("re-seals every record under the current key so the old key can be dropped", async () => {
    const prefix = uniquePrefix("subreseal");
    const oldKey = generateSecretKey();
    const newKey = generateSecretKey();
    const oldStore = new SubscriptionStore(redis, prefix, new SecretBox(oldKey));
    const a = await oldStore.add({ url: "https://a.example/hook" });
    await oldStore.rotateSecret(a.id);
    await new SubscriptionStore(redis, prefix).add({ url: "https://plain.example/hook" }); // written without a key
    const both = new SubscriptionStore(redis, prefix, new SecretBox(`${newKey},${oldKey}`));
    expect(await both.reseal()).toEqual({ resealed: 2, current: 0, unreadable: 0 });
    expect(await both.reseal()).toEqual({ resealed: 0, current: 2, unreadable: 0 });
    const newOnly = new SubscriptionStore(redis, prefix, new SecretBox(newKey));
    expect((await newOnly.scan()).unreadable).toEqual([]);
    expect((await newOnly.get(a.id))?.previousSecrets).toHaveLength(1);
    expect(JSON.stringify(await redis.hvals(`${prefix}entrepot:subscriptions`))).not.toContain("whsec_");
  });

  it("refuses weak secrets and, with a policy, URLs delivery would refuse", async () => {
    const prefix = uniquePrefix("subcheck");
    const store = new SubscriptionStore(redis, prefix, box, { outboundPolicy: parseOutboundPolicy(""), resolve: async () => ["10.0.0.7"] });
    await expect(store.add({ url: "https://a.example/", secret: "whsec_========================" })).rejects.toThrow(/secret/);
    await expect(store.add({ url: "https://a.example/", secret: "whsec_QQ==" })).rejects.toThrow(/weak secret/);
    await expect(store.add({ url: "http://169.254.169.254/latest" })).rejects.toThrow(/non-public/);
    await expect(store.add({ url: "https://internal.example/" })).rejects.toThrow(/10\.0\.0\.7/);
    const ok = await new SubscriptionStore(redis, prefix, box, {
      outboundPolicy: parseOutboundPolicy(""),
      resolve: async () => ["93.184.215.14"],
    }).add({
      url: "https://a.example/",
    });
    await expect(store.update(ok.id, { url: "http://127.0.0.1:1/" })).rejects.toThrow(/non-public/);
    await expect(store.rotateSecret(ok.id, { secret: "whsec_QQ==" })).rejects.toThrow(/weak secret/);
    expect((await store.list()).map((s) => s.url)).toEqual(["https://a.example/"]);
  });

  it("refuses unknown silence matchers and silences longer than the maximum", async () => {
    const prefix = uniquePrefix("silstrict");
    const silences = new SilenceStore(redis, prefix, { maxDurationMs: 7 * 86_400_000 });
    const inDays = (d: number) => new Date(Date.now() + d * 86_400_000).toISOString();
    await expect(silences.add({ matchers: { company: "NVDA", regon: "SG" } as never, expiresAt: inDays(1) })).rejects.toThrow(/regon/);
    await expect(silences.add({ matchers: { company: "NVDA" }, expiresAt: "9999-12-31T00:00:00Z" })).rejects.toThrow(/at most 7 days/);
    await expect(silences.add({ matchers: { company: "NVDA" }, expiresAt: inDays(8) })).rejects.toThrow(/at most 7 days/);
    await expect(silences.add({ matchers: { company: "NVDA" }, expiresAt: inDays(-1) })).rejects.toThrow(/future/);
    expect((await silences.add({ matchers: { company: "NVDA" }, expiresAt: inDays(6) })).matchers).toEqual({ company: "NVDA" });
    expect(await silences.list()).toHaveLength(1);
  });
});

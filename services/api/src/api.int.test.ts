import type { AddressInfo } from "node:net";
import { AlertLog, SilenceStore, SubscriptionStore, signingSecrets } from "@entrepot/delivery";
import { createLogger } from "@entrepot/runtime";
import type { Alert } from "@entrepot/schemas";
import { uniquePrefix, waitFor } from "@entrepot/testkit";
import { generateSecretKey, SecretBox } from "@entrepot/webhooks";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { hashApiKey, parseApiKeys } from "./apiKeys";
import { buildApi } from "./app";
import { alert } from "./testAlerts";

const KEY = "test-api-key-0123456789";
const secretBox = new SecretBox(generateSecretKey());

describe("API on real Redis", () => {
  const prefix = uniquePrefix("api");
  const redis = new Redis(inject("redisUrl"));
  const logger = createLogger({ name: "api-test", level: "warn" });
  const app = buildApi({
    redis,
    topicPrefix: prefix,
    apiKeys: parseApiKeys(`test:manage:${hashApiKey(KEY)}`),
    secretBox,
    logger,
    streamHeartbeatMs: 200,
  });
  const auth = { authorization: `Bearer ${KEY}` };

  beforeAll(async () => {
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
    redis.disconnect();
  });

  it("refuses requests without a valid API key", async () => {
    expect((await app.inject({ method: "GET", url: "/v1/subscriptions" })).statusCode).toBe(401);
    const wrong = await app.inject({ method: "GET", url: "/v1/subscriptions", headers: { authorization: "Bearer nope" } });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.headers["www-authenticate"]).toContain("Bearer");
  });

  it("rotates a secret: the new one is shown once, both sign until the old one expires, neither is listed", async () => {
    const created = (
      await app.inject({ method: "POST", url: "/v1/subscriptions", headers: auth, payload: { url: "https://hooks.example.com/r" } })
    ).json() as { id: string; secret: string };
    const res = await app.inject({
      method: "POST",
      url: `/v1/subscriptions/${created.id}/rotate-secret`,
      headers: auth,
      payload: { graceSeconds: 3600 },
    });
    expect(res.statusCode).toBe(200);
    const rotated = res.json() as { id: string; secret: string; previousSecretExpiresAt: string };
    expect(rotated.secret).toMatch(/^whsec_/);
    expect(rotated.secret).not.toBe(created.secret);
    const stored = await new SubscriptionStore(redis, prefix, secretBox).get(created.id);
    expect(signingSecrets(stored ?? { secret: "", previousSecrets: [] })).toEqual([rotated.secret, created.secret]);
    const raw = (await redis.hget(`${prefix}entrepot:subscriptions`, created.id)) ?? "";
    expect(raw).not.toContain(created.secret);
    expect(raw).not.toContain(rotated.secret);
    const got = await app.inject({ method: "GET", url: `/v1/subscriptions/${created.id}`, headers: auth });
    expect(got.json()).toMatchObject({ previousSecretsExpireAt: [rotated.previousSecretExpiresAt] });
    expect(JSON.stringify(got.json())).not.toContain("whsec_");
    const bad = await app.inject({
      method: "POST",
      url: `/v1/subscriptions/${created.id}/rotate-secret`,
      headers: auth,
      payload: { graceSeconds: -1 },
    });
    expect(bad.statusCode).toBe(400);
    const missing = await app.inject({ method: "POST", url: "/v1/subscriptions/sub_nope/rotate-secret", headers: auth, payload: {} });
    expect(missing.statusCode).toBe(404);
  });

  it("creates a subscription with a generated secret shown once and stored encrypted", async () => {
    const res = await app.inject({
      method: "POST",
      url: "/v1/subscriptions",
      headers: auth,
      payload: { url: "https://hooks.example.com/in", filters: { companies: ["NVDA"], minSeverity: "warning" } },
    });
    expect(res.statusCode).toBe(201);
    const created = res.json() as { id: string; secret: string; channel: string };
    expect(created.secret).toMatch(/^whsec_/);
    expect(created.channel).toBe("webhook");
    const stored = await redis.hget(`${prefix}entrepot:subscriptions`, created.id);
    expect(stored).not.toContain(created.secret);
    expect(stored).toContain(`enc:v2:${secretBox.keyId}:`);
    // the notifier, holding the same key, reads the secret back to sign
    expect((await new SubscriptionStore(redis, prefix, secretBox).get(created.id))?.secret).toBe(created.secret);

    const got = await app.inject({ method: "GET", url: `/v1/subscriptions/${created.id}`, headers: auth });
    expect(got.statusCode).toBe(200);
    expect(got.json()).not.toHaveProperty("secret");
    expect(got.json()).toMatchObject({ filters: { companies: ["NVDA"], minSeverity: "warning" } });
    const list = await app.inject({ method: "GET", url: "/v1/subscriptions", headers: auth });
    expect(JSON.stringify(list.json())).not.toContain(created.secret);

    const patched = await app.inject({
      method: "PATCH",
      url: `/v1/subscriptions/${created.id}`,
      headers: auth,
      payload: { enabled: false, filters: { regions: ["SG"] } },
    });
    expect(patched.json()).toMatchObject({ enabled: false, filters: { companies: ["NVDA"], regions: ["SG"] } });
    expect((await app.inject({ method: "DELETE", url: `/v1/subscriptions/${created.id}`, headers: auth })).statusCode).toBe(204);
    expect((await app.inject({ method: "GET", url: `/v1/subscriptions/${created.id}`, headers: auth })).statusCode).toBe(404);
    expect((await app.inject({ method: "DELETE", url: `/v1/subscriptions/${created.id}`, headers: auth })).statusCode).toBe(404);
    expect((await app.inject({ method: "PATCH", url: "/v1/subscriptions/sub_nope", headers: auth, payload: {} })).statusCode).toBe(404);
  });

  it("answers bad input with 400, the field and the reason", async () => {
    const res = await app.inject({
      method: "POST",
      url: "/v1/subscriptions",
      headers: auth,
      payload: { url: "ftp://x", filters: { minSeverity: "loud" }, secret: "nope" },
    });
    expect(res.statusCode).toBe(400);
    const fields = (res.json() as { issues: { field: string; reason: string }[] }).issues.map((i) => i.field).sort();
    expect(fields).toEqual(["filters.minSeverity", "secret", "url"]);
    const extra = await app.inject({
      method: "POST",
      url: "/v1/subscriptions",
      headers: auth,
      payload: { url: "https://a.example", colour: "red" },
    });
    expect(extra.statusCode).toBe(400);
    const silence = await app.inject({
      method: "POST",
      url: "/v1/silences",
      headers: auth,
      payload: { matchers: {}, expiresAt: "tomorrow" },
    });
    expect(silence.statusCode).toBe(400);
    expect((silence.json() as { issues: { field: string }[] }).issues.map((i) => i.field).sort()).toEqual(["expiresAt", "matchers"]);
  });

  it("manages silences", async () => {
    const expiresAt = new Date(Date.now() + 3_600_000).toISOString();
    const res = await app.inject({
      method: "POST",
      url: "/v1/silences",
      headers: auth,
      payload: { matchers: { company: "NVDA", region: "SG" }, expiresAt, comment: "known" },
    });
    expect(res.statusCode).toBe(201);
    const { id } = res.json() as { id: string };
    expect((await new SilenceStore(redis, prefix).get(id))?.matchers).toEqual({ company: "NVDA", region: "SG" });
    const list = await app.inject({ method: "GET", url: "/v1/silences", headers: auth });
    expect((list.json() as { silences: { id: string }[] }).silences.map((s) => s.id)).toEqual([id]);
    expect((await app.inject({ method: "DELETE", url: `/v1/silences/${id}`, headers: auth })).statusCode).toBe(204);
    expect((await app.inject({ method: "GET", url: `/v1/silences/${id}`, headers: auth })).statusCode).toBe(404);
  });

  it("lists alerts with filters and pagination", async () => {
    const log = new AlertLog(redis, prefix);
    for (let i = 0; i < 5; i++) await log.append(alert(i));
    expect(await log.append(alert(0))).toBeNull(); // a duplicate appends nothing
    const page1 = (await app.inject({ method: "GET", url: "/v1/alerts?limit=2", headers: auth })).json() as {
      alerts: Alert[];
      total: number;
      nextCursor?: string;
    };
    expect(page1.total).toBe(5);
    expect(page1.alerts.map((a) => a.region)).toEqual(["R4", "R3"]);
    const page2 = (await app.inject({ method: "GET", url: `/v1/alerts?limit=2&cursor=${page1.nextCursor}`, headers: auth })).json() as {
      alerts: Alert[];
    };
    expect(page2.alerts.map((a) => a.region)).toEqual(["R2", "R1"]);
    const nvdaCritical = (
      await app.inject({ method: "GET", url: "/v1/alerts?company=NVDA&minSeverity=critical", headers: auth })
    ).json() as { alerts: Alert[]; nextCursor?: string };
    expect(nvdaCritical.alerts.map((a) => a.region)).toEqual(["R2", "R0"]);
    expect(nvdaCritical.nextCursor).toBeUndefined();
    expect((await app.inject({ method: "GET", url: "/v1/alerts?limit=0", headers: auth })).statusCode).toBe(400);
  });

  it("streams alerts as Server-Sent Events and resumes after Last-Event-ID", async () => {
    const streamPrefix = uniquePrefix("sse");
    const sseApp = buildApi({
      redis,
      topicPrefix: streamPrefix,
      apiKeys: parseApiKeys(`test:manage:${hashApiKey(KEY)}`),
      secretBox,
      logger,
      streamHeartbeatMs: 200,
    });
    await sseApp.listen({ port: 0, host: "127.0.0.1" });
    const base = `http://127.0.0.1:${(sseApp.server.address() as AddressInfo).port}`;
    const log = new AlertLog(redis, streamPrefix);
    try {
      const read = async (headers: Record<string, string>, until: (events: { id: string; data: Alert }[]) => boolean) => {
        const ac = new AbortController();
        const res = await fetch(`${base}/v1/alerts/stream`, { headers: { ...auth, ...headers }, signal: ac.signal });
        expect(res.headers.get("content-type")).toContain("text/event-stream");
        const events: { id: string; data: Alert }[] = [];
        const reader = (res.body as ReadableStream<Uint8Array>).getReader();
        const decoder = new TextDecoder();
        let buffer = "";
        try {
          await waitFor(
            async () => {
              const { value } = await reader.read();
              buffer += decoder.decode(value, { stream: true });
              let end = buffer.indexOf("\n\n");
              while (end >= 0) {
                const block = buffer.slice(0, end);
                buffer = buffer.slice(end + 2);
                const id = /^id: (.+)$/m.exec(block)?.[1];
                const data = /^data: (.+)$/m.exec(block)?.[1];
                if (id && data) events.push({ id, data: JSON.parse(data) as Alert });
                end = buffer.indexOf("\n\n");
              }
              return until(events);
            },
            { timeoutMs: 20_000, intervalMs: 1, description: "SSE events" },
          );
        } finally {
          ac.abort();
        }
        return events;
      };
      const live = read({}, (e) => e.length >= 2);
      // the stream starts at the newest entry: publish after the client connected
      await waitFor(async () => String(await redis.client("LIST")).includes("cmd=xread"), { description: "stream client waiting" });
      await log.append(alert(0));
      await log.append(alert(1));
      const first = await live;
      expect(first.map((e) => e.data.region)).toEqual(["R0", "R1"]);
      await log.append(alert(2));
      await log.append(alert(3));
      const resumed = await read({ "last-event-id": first[1]?.id ?? "" }, (e) => e.length >= 2);
      expect(resumed.map((e) => e.data.region)).toEqual(["R2", "R3"]);
      const bad = await fetch(`${base}/v1/alerts/stream`, { headers: { ...auth, "last-event-id": "x" } });
      expect(bad.status).toBe(400);
    } finally {
      await sseApp.close();
    }
  });
});

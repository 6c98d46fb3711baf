import type { AddressInfo } from "node:net";
import { connect } from "node:net";
import { SubscriptionStore } from "@entrepot/delivery";
import { createLogger, Metrics } from "@entrepot/runtime";
import { uniquePrefix } from "@entrepot/testkit";
import { generateSecretKey, parseOutboundPolicy, SecretBox } from "@entrepot/webhooks";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { hashApiKey, parseApiKeys } from "./apiKeys";
import { type ApiOptions, buildApi } from "./app";

const MANAGE = "manage-key-5a0f1c7e9b2d4a6c8e0f";
const READ = "read-key-3b5d7f9a1c3e5b7d9f1a";
const keys = parseApiKeys(`ops:manage:${hashApiKey(MANAGE)},grafana:read:${hashApiKey(READ)}`);
const manage = { authorization: `Bearer ${MANAGE}` };
const read = { authorization: `Bearer ${READ}` };
// deterministic name resolution: the test does not depend on the machine's DNS
const resolve = async (host: string) => (host === "localhost" ? ["127.0.0.1", "::1"] : ["93.184.215.14"]);

describe("API hardening on real Redis", () => {
  const redis = new Redis(inject("redisUrl"));
  const box = new SecretBox(generateSecretKey());
  const lines: string[] = [];
  const logger = createLogger({
    name: "api-hardening-test",
    level: "info",
    destination: { write: (line: string) => void lines.push(line) },
  });
  const metrics = new Metrics();
  const build = (overrides: Partial<ApiOptions> = {}) =>
    buildApi({ redis, topicPrefix: uniquePrefix("apihard"), apiKeys: keys, secretBox: box, logger, metrics, resolve, ...overrides });
  const app = build({ silenceMaxMs: 30 * 86_400_000 });
  const extra: { close(): Promise<unknown> }[] = [];

  beforeAll(async () => {
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
    for (const a of extra) await a.close();
    redis.disconnect();
  });

  const fieldsOf = (body: unknown) => (body as { issues: { field: string }[] }).issues.map((i) => i.field);

  it("refuses at creation every URL delivery would refuse, with a 400 naming the url", async () => {
    const urls = [
      "http://169.254.169.254/latest/meta-data/",
      "http://127.0.0.1:1",
      "http://10.1.2.3",
      "http://user:pass@hooks.example.com/in",
      "http://[::ffff:127.0.0.1]",
      "http://[::ffff:7f00:1]/",
      "http://[::1]/",
      "http://[2002:a01:203::1]/",
      "http://[64:ff9b:1::a01:203]/",
      "http://192.88.99.1/",
      "http://localhost:8080/",
      "http://0x7f000001/",
    ];
    for (const url of urls) {
      const res = await app.inject({ method: "POST", url: "/v1/subscriptions", headers: manage, payload: { url } });
      expect(res.statusCode, url).toBe(400);
      expect(fieldsOf(res.json()), url).toEqual(["url"]);
    }
    const ok = await app.inject({
      method: "POST",
      url: "/v1/subscriptions",
      headers: manage,
      payload: { url: "https://hooks.example.com/in" },
    });
    expect(ok.statusCode).toBe(201);
    const { id } = ok.json() as { id: string };
    const repoint = await app.inject({
      method: "PATCH",
      url: `/v1/subscriptions/${id}`,
      headers: manage,
      payload: { url: "http://169.254.169.254/" },
    });
    expect(repoint.statusCode).toBe(400);
    // the same allow-list as the notifier admits a development receiver, on its port only
    const dev = build({ outboundPolicy: parseOutboundPolicy("127.0.0.1:8080") });
    extra.push(dev);
    expect(
      (await dev.inject({ method: "POST", url: "/v1/subscriptions", headers: manage, payload: { url: "http://127.0.0.1:8080/in" } }))
        .statusCode,
    ).toBe(201);
    expect(
      (await dev.inject({ method: "POST", url: "/v1/subscriptions", headers: manage, payload: { url: "http://127.0.0.1:6379/" } }))
        .statusCode,
    ).toBe(400);
  });

  it("refuses weak webhook secrets", async () => {
    const weak = [
      "whsec_========================",
      "whsec_QQ==",
      `whsec_${Buffer.alloc(23, 1).toString("base64")}`,
      `whsec_${Buffer.from("a password a person typed in").toString("base64")}`,
    ];
    for (const secret of weak) {
      const res = await app.inject({
        method: "POST",
        url: "/v1/subscriptions",
        headers: manage,
        payload: { url: "https://hooks.example.com/in", secret },
      });
      expect(res.statusCode, secret).toBe(400);
      expect(fieldsOf(res.json())).toEqual(["secret"]);
      expect(res.body).not.toContain(secret);
    }
  });

  it("makes silences strict: unknown matchers and keys refused, at most the maximum duration", async () => {
    const inDays = (d: number) => new Date(Date.now() + d * 86_400_000).toISOString();
    const post = (payload: object) => app.inject({ method: "POST", url: "/v1/silences", headers: manage, payload });
    const misspelt = await post({ matchers: { company: "NVDA", regoin: "SG" }, expiresAt: inDays(1) });
    expect(misspelt.statusCode).toBe(400);
    expect(misspelt.body).toContain("regoin");
    expect((await post({ matchers: { company: "NVDA" }, expiresAt: inDays(1), colour: "red" })).statusCode).toBe(400);
    const forever = await post({ matchers: { company: "NVDA" }, expiresAt: "9999-12-31T23:59:59Z" });
    expect(forever.statusCode).toBe(400);
    expect(fieldsOf(forever.json())).toEqual(["expiresAt"]);
    expect(forever.body).toContain("30 days");
    expect((await post({ matchers: { company: "NVDA" }, expiresAt: inDays(31) })).statusCode).toBe(400);
    expect((await post({ matchers: { company: "NVDA" }, expiresAt: inDays(29) })).statusCode).toBe(201);
  });

  it("lets a read-scope key GET and nothing else (403), a manage key everything", async () => {
    const created = (
      await app.inject({ method: "POST", url: "/v1/subscriptions", headers: manage, payload: { url: "https://hooks.example.com/scope" } })
    ).json() as { id: string };
    expect((await app.inject({ method: "GET", url: "/v1/subscriptions", headers: read })).statusCode).toBe(200);
    expect((await app.inject({ method: "GET", url: `/v1/subscriptions/${created.id}`, headers: read })).statusCode).toBe(200);
    expect((await app.inject({ method: "GET", url: "/v1/alerts", headers: read })).statusCode).toBe(200);
    const attempts = [
      { method: "POST" as const, url: "/v1/subscriptions", payload: { url: "https://hooks.example.com/x" } },
      { method: "PATCH" as const, url: `/v1/subscriptions/${created.id}`, payload: { enabled: false } },
      { method: "POST" as const, url: `/v1/subscriptions/${created.id}/rotate-secret`, payload: {} },
      { method: "POST" as const, url: "/v1/subscriptions/reseal", payload: {} },
      { method: "DELETE" as const, url: `/v1/subscriptions/${created.id}` },
      {
        method: "POST" as const,
        url: "/v1/silences",
        payload: { matchers: { company: "X" }, expiresAt: new Date(Date.now() + 60_000).toISOString() },
      },
      { method: "DELETE" as const, url: "/v1/silences/sil_x" },
    ];
    for (const a of attempts) {
      const res = await app.inject({ ...a, headers: read });
      expect(res.statusCode, `${a.method} ${a.url}`).toBe(403);
      expect(res.json()).toMatchObject({ error: "forbidden" });
    }
    const after = (await app.inject({ method: "GET", url: `/v1/subscriptions/${created.id}`, headers: manage })).json() as {
      enabled: boolean;
    };
    expect(after.enabled).toBe(true);
    expect((await app.inject({ method: "DELETE", url: `/v1/subscriptions/${created.id}`, headers: manage })).statusCode).toBe(204);
  });

  it("marks every response Cache-Control: no-store, first of all those carrying secrets", async () => {
    const created = await app.inject({
      method: "POST",
      url: "/v1/subscriptions",
      headers: manage,
      payload: { url: "https://hooks.example.com/ns" },
    });
    const { id } = created.json() as { id: string };
    const responses = [
      created,
      await app.inject({ method: "POST", url: `/v1/subscriptions/${id}/rotate-secret`, headers: manage, payload: {} }),
      await app.inject({ method: "GET", url: "/v1/subscriptions", headers: read }),
      await app.inject({ method: "GET", url: "/v1/subscriptions/sub_missing", headers: read }),
      await app.inject({ method: "GET", url: "/v1/subscriptions" }),
      await app.inject({ method: "POST", url: "/v1/subscriptions", headers: read, payload: {} }),
      await app.inject({ method: "POST", url: "/v1/subscriptions", headers: manage, payload: { url: "ftp://x" } }),
    ];
    expect(responses.map((r) => r.statusCode)).toEqual([201, 200, 200, 404, 401, 403, 400]);
    for (const r of responses) expect(r.headers["cache-control"]).toBe("no-store");
  });

  it("pages subscription and silence lists with limit and cursor", async () => {
    const paged = build();
    extra.push(paged);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push(
        (
          (
            await paged.inject({
              method: "POST",
              url: "/v1/subscriptions",
              headers: manage,
              payload: { url: `https://hooks.example.com/${i}` },
            })
          ).json() as { id: string }
        ).id,
      );
      await paged.inject({
        method: "POST",
        url: "/v1/silences",
        headers: manage,
        payload: { matchers: { company: `C${i}` }, expiresAt: new Date(Date.now() + 3_600_000).toISOString() },
      });
    }
    for (const [path, field] of [
      ["/v1/subscriptions", "subscriptions"],
      ["/v1/silences", "silences"],
    ] as const) {
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const res = await paged.inject({ method: "GET", url: `${path}?limit=2${cursor ? `&cursor=${cursor}` : ""}`, headers: read });
        const body = res.json() as Record<string, { id: string }[]> & { nextCursor?: string };
        seen.push(...(body[field] ?? []).map((x) => x.id));
        cursor = body.nextCursor;
        pages++;
      } while (cursor && pages < 10);
      expect(pages, path).toBe(3);
      expect(new Set(seen).size, path).toBe(5);
      if (field === "subscriptions") expect(seen).toEqual(ids);
      expect((await paged.inject({ method: "GET", url: `${path}?limit=0`, headers: read })).statusCode).toBe(400);
      expect((await paged.inject({ method: "GET", url: `${path}?cursor=forged`, headers: read })).statusCode).toBe(400);
    }
  });

  it("lists the readable subscriptions and names an unreadable record (log line, metric, 409 on its own)", async () => {
    const prefix = uniquePrefix("apipoison");
    const poisonedApp = build({ topicPrefix: prefix });
    extra.push(poisonedApp);
    const good = (
      await poisonedApp.inject({
        method: "POST",
        url: "/v1/subscriptions",
        headers: manage,
        payload: { url: "https://hooks.example.com/good" },
      })
    ).json() as { id: string };
    const otherKey = new SecretBox(generateSecretKey());
    const poisoned = await new SubscriptionStore(redis, prefix, otherKey).add({ url: "https://hooks.example.com/poisoned" });
    const res = await poisonedApp.inject({ method: "GET", url: "/v1/subscriptions", headers: read });
    expect(res.statusCode).toBe(200);
    const body = res.json() as { subscriptions: { id: string }[]; unreadable: { id: string; keyId: string }[] };
    expect(body.subscriptions.map((s) => s.id)).toEqual([good.id]);
    expect(body.unreadable).toEqual([expect.objectContaining({ id: poisoned.id, keyId: otherKey.keyId })]);
    expect(await metrics.value("entrepot_api_unreadable_subscriptions_total", { subscription: poisoned.id })).toBe(1);
    expect(lines.some((l) => l.includes(poisoned.id) && l.includes("unreadable"))).toBe(true);
    const one = await poisonedApp.inject({ method: "GET", url: `/v1/subscriptions/${poisoned.id}`, headers: read });
    expect(one.statusCode).toBe(409);
    expect(one.json()).toMatchObject({ error: "unreadable", id: poisoned.id, keyId: otherKey.keyId });
    expect((await poisonedApp.inject({ method: "DELETE", url: `/v1/subscriptions/${poisoned.id}`, headers: manage })).statusCode).toBe(204);
  });

  it("names the API key's id in the request log, never the key", async () => {
    lines.length = 0;
    await app.inject({ method: "GET", url: "/v1/alerts", headers: read });
    await app.inject({ method: "GET", url: "/v1/alerts", headers: manage });
    const completed = lines.map((l) => JSON.parse(l) as { msg: string; apiKeyId?: string }).filter((l) => l.msg === "request completed");
    expect(completed.map((l) => l.apiKeyId)).toEqual(["grafana", "ops"]);
    expect(lines.join("")).not.toContain(READ);
    expect(lines.join("")).not.toContain(MANAGE);
  });

  it("rate-limits per API key with 429 and Retry-After", async () => {
    const limitedApp = build({ limits: { ratePerSecond: 1, rateBurst: 3 } });
    extra.push(limitedApp);
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await limitedApp.inject({ method: "GET", url: "/v1/alerts", headers: read })).statusCode);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const refused = await limitedApp.inject({ method: "GET", url: "/v1/alerts", headers: read });
    expect(refused.statusCode).toBe(429);
    expect(Number(refused.headers["retry-after"])).toBeGreaterThanOrEqual(1);
    expect(refused.json()).toMatchObject({ error: "rate_limited" });
    // another key has its own budget
    expect((await limitedApp.inject({ method: "GET", url: "/v1/alerts", headers: manage })).statusCode).toBe(200);
    expect(await metrics.value("entrepot_api_rate_limited_total", { key: "grafana" })).toBeGreaterThanOrEqual(2);
  });

  it("cuts off a request whose body trickles in, and refuses a body over the limit", async () => {
    const slowApp = build({ limits: { requestTimeoutMs: 1_000, bodyLimitBytes: 4_096 } });
    extra.push(slowApp);
    await slowApp.listen({ port: 0, host: "127.0.0.1" });
    const port = (slowApp.server.address() as AddressInfo).port;
    const started = Date.now();
    const outcome = await new Promise<{ status: string; ms: number }>((resolvePromise, reject) => {
      const socket = connect(port, "127.0.0.1");
      let data = "";
      let trickle: NodeJS.Timeout | undefined;
      socket.setEncoding("latin1");
      socket.on("data", (c) => {
        data += c;
      });
      socket.on("close", () => {
        clearInterval(trickle);
        resolvePromise({ status: /^HTTP\/1\.1 (\d{3})/.exec(data)?.[1] ?? "closed", ms: Date.now() - started });
      });
      socket.on("error", (err) => {
        clearInterval(trickle);
        if ((err as NodeJS.ErrnoException).code === "ECONNRESET") resolvePromise({ status: "reset", ms: Date.now() - started });
        else reject(err);
      });
      socket.write(
        `POST /v1/subscriptions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${MANAGE}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{`,
      );
      // one byte every 100 ms: 100 s for the whole body if nobody cut it off
      trickle = setInterval(() => {
        if (!socket.destroyed) socket.write(" ");
      }, 100);
    });
    expect(["408", "closed", "reset"]).toContain(outcome.status);
    expect(outcome.ms).toBeGreaterThanOrEqual(900);
    expect(outcome.ms).toBeLessThan(5_000);
    const big = await fetch(`http://127.0.0.1:${port}/v1/subscriptions`, {
      method: "POST",
      headers: { ...manage, "content-type": "application/json" },
      body: JSON.stringify({ url: "https://hooks.example.com/x", padding: "x".repeat(10_000) }),
    });
    expect(big.status).toBe(413);
  });
});

import type { AddressInfo } from "node:net";
import { connect } from "node:net";
import { createLogger } from "@entrepot/runtime";
import { uniquePrefix } from "@entrepot/testkit";
import { generateSecretKey, SecretBox } from "@entrepot/webhooks";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { hashApiKey, parseApiKeys } from "./apiKeys";
import { buildApi } from "./app";

const KEY = "bypass-test-key-0123456789abcdef";
const READ_KEY = "bypass-read-key-fedcba9876543210";

/** Sends one request line exactly as written (no client normalises it) and returns the status code. */
function rawRequest(port: number, requestLine: string, headers: Record<string, string> = {}, body?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    let data = "";
    socket.setEncoding("latin1");
    socket.on("data", (chunk) => {
      data += chunk;
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(data);
      if (m?.[1]) {
        resolve(Number(m[1]));
        socket.destroy();
      }
    });
    socket.on("error", reject);
    socket.on("end", () => reject(new Error(`no status line in ${JSON.stringify(data.slice(0, 200))}`)));
    const lines = [requestLine, "Host: 127.0.0.1", "Connection: close"];
    for (const [k, v] of Object.entries(headers)) lines.push(`${k}: ${v}`);
    if (body !== undefined) lines.push("Content-Type: application/json", `Content-Length: ${Buffer.byteLength(body)}`);
    socket.write(`${lines.join("\r\n")}\r\n\r\n${body ?? ""}`);
  });
}

/** Every spelling of a path that a router may decode or normalise back to `path`. */
function spellings(path: string): string[] {
  const rest = path.slice("/v1".length); // e.g. "/subscriptions"
  return [
    path,
    `/%761${rest}`,
    `/v%31${rest}`,
    `/%76%31${rest}`,
    `/%2576%31${rest}`,
    `//v1${rest}`,
    `/v1/${rest}`,
    `/./v1${rest}`,
    `/x/../v1${rest}`,
    `/v1/./${rest.slice(1)}`,
    `/V1${rest}`,
    `/v1${rest.toUpperCase()}`,
    `/v1${rest}?x=1`,
    `/v1${rest}#frag`,
    `/v1${rest};x=1`,
    `http://127.0.0.1/v1${rest}`,
    `http://evil.example/v1${rest}`,
    `HTTP://127.0.0.1/%761${rest}`,
  ];
}

describe("API authentication cannot be bypassed by how the request target is spelled", () => {
  const redis = new Redis(inject("redisUrl"));
  const prefix = uniquePrefix("apiauth");
  const app = buildApi({
    redis,
    topicPrefix: prefix,
    apiKeys: parseApiKeys(`test:manage:${hashApiKey(KEY)},viewer:read:${hashApiKey(READ_KEY)}`),
    secretBox: new SecretBox(generateSecretKey()),
    logger: createLogger({ name: "api-auth-test", level: "silent" }),
    streamHeartbeatMs: 100,
    // hundreds of requests per second here: the rate limit would answer first and hide what is tested
    limits: { ratePerSecond: 0 },
  });
  let port = 0;
  let subscriptionId = "";
  let silenceId = "";

  beforeAll(async () => {
    await app.listen({ port: 0, host: "127.0.0.1" });
    port = (app.server.address() as AddressInfo).port;
    const created = await app.inject({
      method: "POST",
      url: "/v1/subscriptions",
      headers: { authorization: `Bearer ${KEY}` },
      payload: { url: "https://hooks.example.com/auth" },
    });
    subscriptionId = (created.json() as { id: string }).id;
    const silence = await app.inject({
      method: "POST",
      url: "/v1/silences",
      headers: { authorization: `Bearer ${KEY}` },
      payload: { matchers: { company: "NVDA" }, expiresAt: new Date(Date.now() + 3_600_000).toISOString(), comment: "auth test" },
    });
    silenceId = (silence.json() as { id: string }).id;
  });
  afterAll(async () => {
    await app.close();
    redis.disconnect();
  });

  // every route the API registers, with a body where the route reads one
  const routes = (): { method: string; path: string; body?: string }[] => [
    { method: "GET", path: "/v1/subscriptions" },
    { method: "POST", path: "/v1/subscriptions", body: JSON.stringify({ url: "https://hooks.example.com/x" }) },
    { method: "GET", path: `/v1/subscriptions/${subscriptionId}` },
    { method: "PATCH", path: `/v1/subscriptions/${subscriptionId}`, body: JSON.stringify({ url: "https://attacker.example/x" }) },
    { method: "POST", path: `/v1/subscriptions/${subscriptionId}/rotate-secret`, body: "{}" },
    { method: "DELETE", path: `/v1/subscriptions/${subscriptionId}` },
    { method: "POST", path: "/v1/subscriptions/reseal", body: "{}" },
    {
      method: "POST",
      path: "/v1/silences",
      body: JSON.stringify({ matchers: { company: "NVDA" }, expiresAt: "2099-01-01T00:00:00Z" }),
    },
    { method: "GET", path: "/v1/silences" },
    { method: "GET", path: `/v1/silences/${silenceId}` },
    { method: "DELETE", path: `/v1/silences/${silenceId}` },
    { method: "GET", path: "/v1/alerts" },
    { method: "GET", path: "/v1/alerts/stream" },
  ];

  it("answers 401 to every spelling of every route without a key, over HTTP/1.1 and HTTP/1.0", async () => {
    const leaks: string[] = [];
    let tried = 0;
    for (const route of routes()) {
      for (const target of spellings(route.path)) {
        for (const version of ["HTTP/1.1", "HTTP/1.0"]) {
          const status = await rawRequest(port, `${route.method} ${target} ${version}`, {}, route.body);
          tried++;
          if (status !== 401 && status !== 400) leaks.push(`${route.method} ${target} ${version} -> ${status}`);
        }
      }
    }
    expect(tried).toBeGreaterThan(400);
    expect(leaks).toEqual([]);
  });

  it("answers 401 with a wrong key, a malformed header or another scheme, whatever the spelling", async () => {
    const bad = [
      { authorization: "Bearer wrong-key" },
      { authorization: `bearer${KEY}` },
      { authorization: `Basic ${Buffer.from(`x:${KEY}`).toString("base64")}` },
      { authorization: `Bearer ${KEY} extra` },
      { "x-api-key": KEY },
    ];
    for (const headers of bad) {
      for (const target of spellings("/v1/subscriptions")) {
        expect(await rawRequest(port, `GET ${target} HTTP/1.1`, headers), `${JSON.stringify(headers)} ${target}`).toBe(401);
      }
    }
  });

  it("answers 403 to a read-scope key on every spelling of every route that changes state", async () => {
    const leaks: string[] = [];
    let tried = 0;
    for (const route of routes().filter((r) => r.method !== "GET")) {
      for (const target of spellings(route.path)) {
        for (const version of ["HTTP/1.1", "HTTP/1.0"]) {
          const status = await rawRequest(
            port,
            `${route.method} ${target} ${version}`,
            { authorization: `Bearer ${READ_KEY}` },
            route.body,
          );
          tried++;
          if (status !== 403 && status !== 400) leaks.push(`${route.method} ${target} ${version} -> ${status}`);
        }
      }
    }
    expect(tried).toBeGreaterThan(200);
    expect(leaks).toEqual([]);
    // and may read
    expect(await rawRequest(port, "GET /v1/subscriptions HTTP/1.1", { authorization: `Bearer ${READ_KEY}` })).toBe(200);
  });

  it("answers 401 to an unknown path without a key (deny by default), 404 with one", async () => {
    expect(await rawRequest(port, "GET /v2/subscriptions HTTP/1.1")).toBe(401);
    expect(await rawRequest(port, "GET /admin HTTP/1.1")).toBe(401);
    expect(await rawRequest(port, "GET /admin HTTP/1.1", { authorization: `Bearer ${KEY}` })).toBe(404);
  });

  it("lets a valid key through on the plain spelling and keeps /healthz public", async () => {
    const authed = { authorization: `Bearer ${KEY}` };
    expect(await rawRequest(port, "GET /v1/subscriptions HTTP/1.1", authed)).toBe(200);
    expect(await rawRequest(port, "GET /v1/subscriptions HTTP/1.0", authed)).toBe(200);
    expect(await rawRequest(port, `GET /v1/subscriptions/${subscriptionId} HTTP/1.1`, authed)).toBe(200);
    expect(await rawRequest(port, "GET /v1/alerts HTTP/1.1", authed)).toBe(200);
    expect(await rawRequest(port, "GET /healthz HTTP/1.1")).toBe(200);
    // the subscription was neither repointed nor deleted by any of the unauthenticated attempts
    const sub = await app.inject({ method: "GET", url: `/v1/subscriptions/${subscriptionId}`, headers: authed });
    expect((sub.json() as { url: string }).url).toBe("https://hooks.example.com/auth");
    const silences = await app.inject({ method: "GET", url: "/v1/silences", headers: authed });
    expect((silences.json() as { silences: unknown[] }).silences).toHaveLength(1);
  });
});

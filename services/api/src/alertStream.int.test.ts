import type { AddressInfo } from "node:net";
import { connect, type Socket } from "node:net";
import { AlertLog } from "@entrepot/delivery";
import { createLogger, Metrics } from "@entrepot/runtime";
import { uniquePrefix, waitFor } from "@entrepot/testkit";
import { generateSecretKey, SecretBox } from "@entrepot/webhooks";
import type { FastifyInstance } from "fastify";
import { Redis } from "ioredis";
import { afterAll, describe, expect, inject, it } from "vitest";
import { hashApiKey, parseApiKeys } from "./apiKeys";
import { type ApiLimits, buildApi } from "./app";
import { alert } from "./testAlerts";

const KEY_A = "stream-key-a-8c1e3a5f7b9d";
const KEY_B = "stream-key-b-2d4f6b8a0c1e";
const keys = parseApiKeys(`a:read:${hashApiKey(KEY_A)},b:read:${hashApiKey(KEY_B)}`);

/** A raw SSE client on a real socket: collects event ids; `pause()` makes it a reader that never reads. */
interface RawStream {
  socket: Socket;
  status: Promise<number>;
  ids: string[];
  ended: Promise<void>;
}

function openStream(port: number, key: string, lastEventId?: string): RawStream {
  const socket = connect(port, "127.0.0.1");
  const ids: string[] = [];
  let data = "";
  let resolveStatus: (n: number) => void = () => undefined;
  const status = new Promise<number>((r) => {
    resolveStatus = r;
  });
  socket.setEncoding("utf8");
  socket.on("data", (chunk: string) => {
    data += chunk;
    const m = /^HTTP\/1\.1 (\d{3})/.exec(data);
    if (m) resolveStatus(Number(m[1]));
    let end = data.indexOf("\n\n");
    while (end >= 0) {
      const id = /^id: (.+)$/m.exec(data.slice(0, end))?.[1];
      if (id) ids.push(id);
      data = data.slice(end + 2);
      end = data.indexOf("\n\n");
    }
  });
  const ended = new Promise<void>((r) => socket.on("close", () => r()));
  socket.on("error", () => undefined); // a reset is one way the server ends a dropped stream
  const headers = [`GET /v1/alerts/stream HTTP/1.1`, "Host: x", `Authorization: Bearer ${key}`];
  if (lastEventId) headers.push(`Last-Event-ID: ${lastEventId}`);
  socket.write(`${headers.join("\r\n")}\r\n\r\n`);
  return { socket, status, ids, ended };
}

describe("alert stream (SSE) limits on real sockets and Redis", () => {
  const redis = new Redis(inject("redisUrl"));
  const apps: FastifyInstance[] = [];
  const sockets: Socket[] = [];
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    for (const a of apps) await a.close();
    redis.disconnect();
  });

  async function start(limits: ApiLimits) {
    const prefix = uniquePrefix("sselim");
    const metrics = new Metrics();
    const app = buildApi({
      redis,
      topicPrefix: prefix,
      apiKeys: keys,
      secretBox: new SecretBox(generateSecretKey()),
      logger: createLogger({ name: "sse-test", level: "silent" }),
      metrics,
      streamHeartbeatMs: 200,
      limits: { ratePerSecond: 0, ...limits },
    });
    apps.push(app);
    await app.listen({ port: 0, host: "127.0.0.1" });
    const port = (app.server.address() as AddressInfo).port;
    const open = (key: string, lastEventId?: string) => {
      const s = openStream(port, key, lastEventId);
      sockets.push(s.socket);
      return s;
    };
    return { prefix, metrics, port, open, log: new AlertLog(redis, prefix) };
  }

  const readers = async (prefix: string) =>
    String(await redis.client("LIST"))
      .split("\n")
      .filter((l) => l.includes(` name=${prefix}entrepot-api-alert-stream `)).length;

  it("serves every stream from one Redis reader, started with the first stream and stopped after the last", async () => {
    const { prefix, open, log } = await start({ maxStreamsPerKey: 30 });
    const streams = Array.from({ length: 25 }, () => open(KEY_A));
    expect(await Promise.all(streams.map((s) => s.status))).toEqual(new Array(25).fill(200));
    await waitFor(async () => (await readers(prefix)) === 1, { description: "the reader connection" });
    for (let i = 0; i < 3; i++) await log.append(alert(i));
    await waitFor(() => streams.every((s) => s.ids.length === 3), { timeoutMs: 20_000, description: "every stream got 3 alerts" });
    expect(await readers(prefix)).toBe(1);
    for (const s of streams) s.socket.destroy();
    await waitFor(async () => (await readers(prefix)) === 0, { timeoutMs: 10_000, description: "reader stopped" });
  });

  it("caps streams per API key (429), frees the slot when a client leaves, and resumes without gaps", async () => {
    const { open, log } = await start({ maxStreamsPerKey: 2 });
    const first = open(KEY_A);
    const second = open(KEY_A);
    expect([await first.status, await second.status]).toEqual([200, 200]);
    expect(await open(KEY_A).status).toBe(429);
    expect(await open(KEY_B).status).toBe(200); // another key has its own cap
    await log.append(alert(0));
    await waitFor(() => first.ids.length === 1, { description: "first alert" });
    first.socket.destroy();
    await log.append(alert(1));
    await log.append(alert(2));
    let again = open(KEY_A, first.ids[0]);
    await waitFor(
      async () => {
        if ((await again.status) === 200) return true;
        again = open(KEY_A, first.ids[0]);
        return false;
      },
      { timeoutMs: 10_000, description: "slot freed" },
    );
    await waitFor(() => again.ids.length === 2, { description: "resumed after Last-Event-ID" });
    expect(again.ids).toEqual(second.ids.slice(1, 3));
  });

  it("drops a client that never reads instead of buffering for it; the others get everything", async () => {
    const { open, log, metrics } = await start({ maxStreamsPerKey: 5, streamMaxBufferedBytes: 64 * 1024 });
    const slow = open(KEY_A);
    const fast = open(KEY_A);
    expect([await slow.status, await fast.status]).toEqual([200, 200]);
    slow.socket.pause(); // never reads: the server's writes pile up
    const count = 1500; // 1500 alerts of ~8 KB: more than the kernel's socket buffers can absorb
    for (let i = 0; i < count; i++) await log.append(alert(i, { summary: `alert ${i} `.padEnd(8_000, "x") }));
    await waitFor(async () => (await metrics.value("entrepot_api_streams_dropped_total", { reason: "slow_reader" })) === 1, {
      timeoutMs: 30_000,
      description: "slow reader dropped",
    });
    await waitFor(() => fast.ids.length === count, { timeoutMs: 60_000, description: "the reading client got every alert" });
    // the slow client, reading at last, finds its stream ended after a prefix of the events, with no gap
    slow.socket.resume();
    await slow.ended;
    expect(slow.ids.length).toBeLessThan(count);
    expect(slow.ids).toEqual(fast.ids.slice(0, slow.ids.length));
  });
});

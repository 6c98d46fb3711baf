import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  receivedAt: number;
  /** the status code this request was answered with */
  status: number;
}

/** How the receiver answers one request. */
export interface ScriptedResponse {
  status?: number;
  /** hold the answer this long (a slow subscriber) */
  delayMs?: number;
  /** value of a Retry-After header */
  retryAfter?: string;
  body?: string;
}

export interface Receiver {
  url: string;
  requests: ReceivedRequest[];
  /** set the status code answered to the next requests (default 200) */
  respondWith(status: number | ScriptedResponse): void;
  /** answers for the next requests, in order; afterwards the default applies again */
  script(responses: ScriptedResponse[]): void;
  /** stop listening (connections refused) until `up()`; the URL stays the same */
  down(): Promise<void>;
  up(): Promise<void>;
  close(): Promise<void>;
}

/** A local HTTP server on 127.0.0.1 that records every request: the demo's webhook subscriber, and tests' (scripted answers, down/up). */
export async function startReceiver(): Promise<Receiver> {
  const requests: ReceivedRequest[] = [];
  let fallback: ScriptedResponse = { status: 200 };
  const queue: ScriptedResponse[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const answer = queue.shift() ?? fallback;
      const status = answer.status ?? 200;
      requests.push({
        method: req.method ?? "",
        path: req.url ?? "",
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
        receivedAt: Date.now(),
        status,
      });
      const reply = () => {
        if (res.destroyed) return;
        res.writeHead(status, answer.retryAfter !== undefined ? { "retry-after": answer.retryAfter } : {}).end(answer.body ?? "");
      };
      if (answer.delayMs) {
        const t = setTimeout(() => {
          timers.delete(t);
          reply();
        }, answer.delayMs);
        timers.add(t);
      } else reply();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  const stopListening = () =>
    new Promise<void>((r) => {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      server.closeAllConnections();
      if (!server.listening) return r();
      server.close(() => r());
    });
  let closed: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    requests,
    respondWith: (s) => {
      fallback = typeof s === "number" ? { status: s } : s;
    },
    script: (responses) => {
      queue.push(...responses);
    },
    down: stopListening,
    up: () => new Promise<void>((r) => server.listen(port, "127.0.0.1", r)),
    close: () => {
      closed ??= stopListening();
      return closed;
    },
  };
}

import { createServer, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface HealthCheck {
  /** true when the component is ready to do its work */
  ready(): boolean;
}

export interface HealthServer {
  port: number;
  close(): Promise<void>;
}

export interface HealthServerOptions {
  port: number;
  /** bind address (default 127.0.0.1; 0.0.0.0 in a container so probes and Prometheus reach it) */
  host?: string;
  checks: Record<string, HealthCheck>;
  /** Prometheus text exposition and its content type */
  metrics?: { render(): Promise<string>; contentType: string };
  /** a JSON record for programs (the stage counters), served on /stats */
  stats?: () => Promise<unknown>;
  /** a failing /metrics or /stats answer (500) is reported here */
  onError?: (err: Error) => void;
}

/**
 * Tiny HTTP server: GET /healthz (process alive), GET /readyz (200 when every check is ready,
 * else 503 naming the checks), GET /metrics (Prometheus text), GET /stats (JSON).
 */
export async function startHealthServer(options: HealthServerOptions): Promise<HealthServer> {
  const answer = (body: () => Promise<[string, string]>, res: ServerResponse) => {
    body().then(
      ([type, text]) => res.writeHead(200, { "content-type": type }).end(text),
      (err: unknown) => {
        options.onError?.(err as Error);
        res.writeHead(500, { "content-type": "text/plain" }).end((err as Error).message);
      },
    );
  };
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? "").split("?")[0];
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { allow: "GET, HEAD" }).end();
      return;
    }
    if (path === "/healthz") {
      res.writeHead(200, { "content-type": "application/json" }).end('{"status":"ok"}');
      return;
    }
    if (path === "/readyz") {
      const status = Object.fromEntries(Object.entries(options.checks).map(([k, c]) => [k, c.ready()]));
      const ok = Object.values(status).every(Boolean);
      res.writeHead(ok ? 200 : 503, { "content-type": "application/json" }).end(JSON.stringify({ ready: ok, checks: status }));
      return;
    }
    const { metrics, stats } = options;
    if (path === "/metrics" && metrics) {
      answer(async () => [metrics.contentType, await metrics.render()], res);
      return;
    }
    if (path === "/stats" && stats) {
      answer(async () => ["application/json", JSON.stringify(await stats())], res);
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host ?? "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  let closed: Promise<void> | undefined;
  return {
    port,
    close: () => {
      closed ??= new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
      return closed;
    },
  };
}

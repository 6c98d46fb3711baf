import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface HealthCheck {
  /** true when the component is ready to do its work */
  ready(): boolean;
}

export interface HealthServer {
  port: number;
  close(): Promise<void>;
}

/**
 * Tiny HTTP server: GET /healthz (process alive), GET /readyz (every check ready),
 * GET /metrics (Prometheus text from `metrics()`).
 */
export async function startHealthServer(options: {
  port: number;
  host?: string;
  checks: Record<string, HealthCheck>;
  metrics?: () => string;
}): Promise<HealthServer> {
  const server: Server = createServer((req, res) => {
    if (req.url === "/healthz") {
      res.writeHead(200, { "content-type": "application/json" }).end('{"status":"ok"}');
      return;
    }
    if (req.url === "/readyz") {
      const status = Object.fromEntries(Object.entries(options.checks).map(([k, c]) => [k, c.ready()]));
      const ok = Object.values(status).every(Boolean);
      res.writeHead(ok ? 200 : 503, { "content-type": "application/json" }).end(JSON.stringify({ ready: ok, checks: status }));
      return;
    }
    if (req.url === "/metrics" && options.metrics) {
      res.writeHead(200, { "content-type": "text/plain; version=0.0.4" }).end(options.metrics());
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

import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repoRoot, uniquePrefix, waitFor } from "@entrepot/testkit";
import { describe, expect, inject, it } from "vitest";
import { serveDemoDashboard } from "./demoDashboard";

describe("demo --keep-running: the dashboard on the demo's prefix", () => {
  it("starts the API with a key for this run, prints the URL and the key, stops when told", async () => {
    const lines: string[] = [];
    let stop: () => void = () => undefined;
    const until = new Promise<void>((done) => {
      stop = done;
    });
    const served = serveDemoDashboard({
      repoRoot,
      brokers: inject("kafkaBrokers").split(","),
      redisUrl: inject("redisUrl"),
      prefix: uniquePrefix("demo-dash"),
      logDir: mkdtempSync(join(tmpdir(), "entrepot-demo-dash-")),
      print: (line) => lines.push(line),
      until,
    });
    const url = await waitFor(() => lines.map((l) => /^Dashboard: (http:\/\/127\.0\.0\.1:\d+\/dashboard\/)$/.exec(l)?.[1]).find(Boolean), {
      timeoutMs: 60_000,
      description: "the dashboard URL printed",
    });
    const key = lines.map((l) => /^API key for this run \(the page asks for it\): (\S+)$/.exec(l)?.[1]).find(Boolean);
    expect(key).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(lines).toContain("The services and the API keep running; press Ctrl-C to stop them.");

    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-security-policy")).toContain("default-src 'none'");
    const status = new URL("/v1/dashboard/status", url);
    expect((await fetch(status)).status).toBe(401);
    const ok = await fetch(status, { headers: { authorization: `Bearer ${key}` } });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ alerts: { total: 0 }, shares: { companies: 0 } });

    stop();
    expect(await served).toBe(0);
    expect(lines.at(-1)).toBe("API stopped: exit 0");
  });
});

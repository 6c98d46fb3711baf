import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createKafka, readTopicToEnd } from "@entrepot/kafka";
import { createLogger } from "@entrepot/runtime";
import { topicName } from "@entrepot/schemas";
import { uniquePrefix, waitFor } from "@entrepot/testkit";
import { afterAll, describe, expect, inject, it } from "vitest";

const logger = createLogger({ name: "inbox-int", level: "silent" });
const kafka = createKafka({ brokers: inject("kafkaBrokers").split(","), clientId: "inbox-int", logger });
const inbox = mkdtempSync(join(tmpdir(), "entrepot-inbox-"));
let child: ChildProcess | undefined;
afterAll(() => {
  if (child && child.exitCode === null) child.kill("SIGKILL");
  rmSync(inbox, { recursive: true, force: true });
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const address = server.address();
  await new Promise((r) => server.close(r));
  return typeof address === "object" && address ? address.port : 0;
}

/** drops a file into an inbox folder atomically (the watcher skips dot files) */
function drop(feed: string, name: string, text: string): void {
  mkdirSync(join(inbox, feed), { recursive: true });
  writeFileSync(join(inbox, feed, `.${name}`), text);
  renameSync(join(inbox, feed, `.${name}`), join(inbox, feed, name));
}

/** the ingestor's `name{labels} value` lines of a Prometheus exposition (its own counters and the ingest stage's), as a map */
const samples = (text: string) =>
  new Map(
    text
      .split("\n")
      .filter((l) => l.startsWith("entrepot_ingestor_") || (l.startsWith("entrepot_records_") && l.includes('stage="ingest"')))
      .map((l) => [l.slice(0, l.lastIndexOf(" ")), Number(l.slice(l.lastIndexOf(" ") + 1))] as const),
  );

describe("ingestor service (inbox watcher) on a real broker", () => {
  it("ingests dropped files of both feeds and serves its reconciliation counters on /metrics", async () => {
    const prefix = uniquePrefix("inbox");
    const port = await freePort();
    child = spawn(process.execPath, ["--import", "tsx", resolve(import.meta.dirname, "main.ts")], {
      env: {
        ...process.env,
        KAFKA_BROKERS: inject("kafkaBrokers"),
        REDIS_URL: inject("redisUrl"),
        ENTREPOT_TOPIC_PREFIX: prefix,
        ENTREPOT_INBOX: inbox,
        HEALTH_PORT: String(port),
        LOG_LEVEL: "warn",
      },
      stdio: ["ignore", "ignore", "inherit"],
    });
    const exited = new Promise<number | null>((done) => child?.once("exit", (code) => done(code)));
    await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined))?.ok === true, {
      timeoutMs: 60_000,
      description: "ingestor ready",
    });

    const customsCsv =
      "reporter,partner,flow,hs_code,period,value\nSG,CN,X,854231,2024-07,100\nSG,CN,X,854231,2024-07\nSG,US,X,854231,2024-07,5\n";
    const revenueCsv = "company,fiscal_period,region,revenue\nNVDA,FY2025-Q3,Singapore,7028\n";
    const wrongFeed = "reporter,partner,flow,hs_code,period,value\nSG,CN,X,854231,2024-07,100\n";
    drop("customs", "customs.csv", customsCsv);
    drop("revenue", "revenue.csv", revenueCsv);
    drop("revenue", "wrong-feed.csv", wrongFeed);
    await waitFor(async () => readdirSync(join(inbox, "done")).length === 3, { timeoutMs: 60_000, description: "three files done" });

    const res = await fetch(`http://127.0.0.1:${port}/metrics`);
    const m = samples(await res.text());
    expect(Object.fromEntries(m)).toEqual({
      'entrepot_records_in_total{stage="ingest",feed="customs"}': 3,
      'entrepot_records_in_total{stage="ingest",feed="revenue"}': 2,
      'entrepot_records_out_total{stage="ingest",feed="customs"}': 2,
      'entrepot_records_out_total{stage="ingest",feed="revenue"}': 1,
      'entrepot_records_rejected_total{stage="ingest",feed="customs",reason="column_count"}': 1,
      'entrepot_records_rejected_total{stage="ingest",feed="revenue",reason="unknown_format"}': 1,
      'entrepot_ingestor_bytes_read_total{feed="customs"}': customsCsv.length,
      'entrepot_ingestor_bytes_read_total{feed="revenue"}': revenueCsv.length + wrongFeed.length,
      'entrepot_ingestor_files_total{feed="customs",outcome="ingested"}': 1,
      'entrepot_ingestor_files_total{feed="revenue",outcome="ingested"}': 2,
    });
    // the counters reconcile with what is on the topics
    expect(await readTopicToEnd(kafka, topicName(prefix, "customsRaw"))).toHaveLength(2);
    expect(await readTopicToEnd(kafka, topicName(prefix, "revenueRaw"))).toHaveLength(1);
    expect(await readTopicToEnd(kafka, topicName(prefix, "rejects"))).toHaveLength(2);

    child.kill("SIGTERM");
    expect(await exited).toBe(0);
  });
});

import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { IngestOptions, IngestReport } from "@entrepot/ingest";
import { createKafka, JsonProducer } from "@entrepot/kafka";
import { createLogger } from "@entrepot/runtime";
import { waitFor } from "@entrepot/testkit";
import { afterEach, describe, expect, it } from "vitest";
import { isInProgress, startInboxWatcher } from "./inboxWatcher";

const logger = createLogger({ name: "inbox-unit", level: "silent" });
const REVENUE = "company,fiscal_period,region,revenue\nNVDA,FY2025-Q3,Singapore,7697\n";
/** a producer of a client that was never connected: nothing is sent anywhere, the watcher's own ingest is replaced */
const idleProducer = () => new JsonProducer(createKafka({ brokers: ["127.0.0.1:1"], clientId: "inbox-unit", logger }));
const report = (file: string): IngestReport => ({
  ingestRun: "r",
  file,
  read: 1,
  published: 1,
  publishedByFeed: { revenue: 1, customs: 0 },
  rejected: 0,
  byReason: {},
  bytes: 1,
  bytesRead: 1,
});
/** a file written a minute ago: settled */
const settled = (path: string) => utimesSync(path, new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));

const dirs: string[] = [];
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function inbox(): string {
  const dir = mkdtempSync(join(tmpdir(), "entrepot-inbox-unit-"));
  dirs.push(dir);
  for (const sub of ["revenue", "customs"]) mkdirSync(join(dir, sub));
  return dir;
}

describe("inbox watcher", () => {
  it("moves an entry it cannot ingest to failed/ with a reason file, and goes on with the others", async () => {
    const dir = inbox();
    mkdirSync(join(dir, "revenue", "a-folder.csv")); // sorts first: a poison entry must not block what follows
    writeFileSync(join(dir, "revenue", "b-good.csv"), REVENUE);
    settled(join(dir, "revenue", "b-good.csv"));
    writeFileSync(join(dir, "customs", "c-throws.csv"), "x\n");
    settled(join(dir, "customs", "c-throws.csv"));
    const ingested: string[] = [];
    const ingest = async (o: IngestOptions) => {
      if (o.file.endsWith("c-throws.csv")) throw new Error("EACCES: permission denied");
      ingested.push(o.file);
      return report(o.file);
    };
    const w = await startInboxWatcher({ dir, producer: idleProducer(), topicPrefix: "t.", logger, pollMs: 20, ingest });
    closers.push(w.close);
    await waitFor(() => readdirSync(join(dir, "done")).length === 1 && readdirSync(join(dir, "failed")).length === 4, {
      timeoutMs: 10_000,
      description: "one file done, two entries failed with their reasons",
    });
    expect(ingested).toEqual([join(dir, "revenue", "b-good.csv")]);
    const failed = readdirSync(join(dir, "failed")).sort();
    expect(failed.filter((f) => f.endsWith(".reason.json"))).toHaveLength(2);
    const reasons = failed.filter((f) => f.endsWith(".reason.json")).map((f) => JSON.parse(readFileSync(join(dir, "failed", f), "utf8")));
    expect(reasons).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ file: "a-folder.csv", feed: "revenue", error: "not a regular file (a directory)" }),
        expect.objectContaining({ file: "c-throws.csv", feed: "customs", error: "EACCES: permission denied" }),
      ]),
    );
    expect(readdirSync(join(dir, "revenue"))).toEqual([]);
    expect(w.ready()).toBe(true);
  });

  it("never reads a file still being written: dot files, .partial/.tmp names, and files changed within the settle time", async () => {
    expect([".x.csv", "x.csv.partial", "x.csv.tmp"].every(isInProgress)).toBe(true);
    expect(isInProgress("x.csv")).toBe(false);
    const dir = inbox();
    writeFileSync(join(dir, "revenue", ".hidden.csv"), REVENUE);
    writeFileSync(join(dir, "revenue", "upload.csv.partial"), REVENUE);
    writeFileSync(join(dir, "revenue", "fresh.csv"), REVENUE); // written just now
    writeFileSync(join(dir, "revenue", "zz-old.csv"), REVENUE); // sorts after it, and is settled
    settled(join(dir, "revenue", "zz-old.csv"));
    const ingested: string[] = [];
    const ingest = async (o: IngestOptions) => {
      ingested.push(o.file);
      return report(o.file);
    };
    const w = await startInboxWatcher({ dir, producer: idleProducer(), topicPrefix: "t.", logger, pollMs: 20, settleMs: 30_000, ingest });
    closers.push(w.close);
    // the settled file is taken: the scan went past the fresh one (it sorts first) and left it
    await waitFor(() => ingested.length === 1, { timeoutMs: 10_000, description: "the settled file read" });
    expect(ingested).toEqual([join(dir, "revenue", "zz-old.csv")]);
    settled(join(dir, "revenue", "fresh.csv"));
    await waitFor(() => ingested.length === 2, { timeoutMs: 10_000, description: "the file read once settled" });
    expect(ingested[1]).toBe(join(dir, "revenue", "fresh.csv"));
    expect(readdirSync(join(dir, "revenue")).sort()).toEqual([".hidden.csv", "upload.csv.partial"]);
  });

  it("keeps a file while the broker is away and turns not ready once that lasts; ready again after it went through", async () => {
    const dir = inbox();
    writeFileSync(join(dir, "revenue", "feed.csv"), REVENUE);
    settled(join(dir, "revenue", "feed.csv"));
    // the real ingest through a producer that never connected: kafkajs refuses to send (a broker error, not the file's fault)
    let brokerBack = false;
    const producer = idleProducer();
    const { ingestFile } = await import("@entrepot/ingest");
    const ingest = async (o: IngestOptions) => (brokerBack ? report(o.file) : ingestFile(o));
    const w = await startInboxWatcher({ dir, producer, topicPrefix: "t.", logger, pollMs: 20, stuckAfterMs: 100, ingest });
    closers.push(w.close);
    await waitFor(() => !w.ready(), { timeoutMs: 10_000, description: "not ready while the file waits on the broker" });
    expect(w.stuck()).toMatch(/^feed\.csv has waited \d+ s$/);
    expect(readdirSync(join(dir, "revenue"))).toEqual(["feed.csv"]);
    expect(readdirSync(join(dir, "failed"))).toEqual([]);
    brokerBack = true;
    await waitFor(() => w.ready(), { timeoutMs: 10_000, description: "ready once the file went through" });
    expect(readdirSync(join(dir, "done"))).toHaveLength(1);
  });
});

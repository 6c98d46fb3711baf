import { mkdir, readdir, rename, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { type IngestReport, ingestFile } from "@entrepot/ingest";
import { isBrokerError, type JsonProducer } from "@entrepot/kafka";
import type { Logger, Metrics } from "@entrepot/runtime";
import type { Feed } from "@entrepot/schemas";

export interface InboxOptions {
  /**
   * files dropped in `<dir>/revenue/` or `<dir>/customs/` are ingested, then moved to `<dir>/done/`;
   * an entry that cannot be ingested (not a regular file, unreadable) goes to `<dir>/failed/` with a
   * `<name>.reason.json` beside it. Dot files and `*.partial` / `*.tmp` are files still being written.
   */
  dir: string;
  producer: JsonProducer;
  topicPrefix: string;
  logger: Logger;
  /** reconciliation counters (served on /metrics by the service); updated after every acknowledged batch */
  metrics?: Metrics;
  pollMs?: number;
  /** a file is read only once it has not changed for this long (default 1 s): a writer still appending is waited for */
  settleMs?: number;
  /** the inbox is reported not ready (/readyz 503) when a file has waited this long on the broker (default 60 s) */
  stuckAfterMs?: number;
  /** how one file is ingested (default `ingestFile`); tests of the watcher's own logic pass their own */
  ingest?: typeof ingestFile;
}

/** Names the watcher leaves alone: files still being written (a writer renames them when done). */
export function isInProgress(name: string): boolean {
  return name.startsWith(".") || name.endsWith(".partial") || name.endsWith(".tmp");
}

/**
 * The ingestor's reconciliation counters, per feed folder: rows read = published + rejected (by
 * reason), plus bytes read and files done or failed. Fed with the running report of one file, it
 * adds only what changed since the previous call, so the counters move while a large file is read.
 */
export function ingestMetrics(metrics: Metrics) {
  const files = metrics.counter("entrepot_ingestor_files_total", "feed files ingested from the inbox, by feed and outcome", [
    "feed",
    "outcome",
  ]);
  const stage = metrics.stage("ingest");
  const bytes = metrics.counter("entrepot_ingestor_bytes_read_total", "bytes of feed files read, by feed folder", ["feed"]);
  return {
    /** a tracker for one file of the `feed` folder; call it with every progress report and the final one */
    file(feed: Feed) {
      let last = {
        read: 0,
        bytesRead: 0,
        published: { revenue: 0, customs: 0 } as Record<Feed, number>,
        byReason: {} as Record<string, number>,
      };
      return (r: IngestReport) => {
        if (r.read > last.read) stage.in(feed, r.read - last.read);
        if (r.bytesRead > last.bytesRead) bytes({ feed }, r.bytesRead - last.bytesRead);
        for (const f of ["revenue", "customs"] as const) {
          const d = r.publishedByFeed[f] - last.published[f];
          if (d > 0) stage.out(f, d);
        }
        for (const [reason, n] of Object.entries(r.byReason)) {
          const d = n - (last.byReason[reason] ?? 0);
          if (d > 0) stage.rejected(feed, reason, d);
        }
        last = { read: r.read, bytesRead: r.bytesRead, published: { ...r.publishedByFeed }, byReason: { ...r.byReason } };
      };
    },
    done: (feed: Feed, outcome: "ingested" | "failed") => files({ feed, outcome }),
  };
}

/** The ingestor as a long-running service: polls an inbox folder for feed files. */
export async function startInboxWatcher(
  options: InboxOptions,
): Promise<{ ready(): boolean; stuck(): string | undefined; close(): Promise<void> }> {
  const feeds: Feed[] = ["revenue", "customs"];
  for (const sub of [...feeds, "done", "failed"]) await mkdir(join(options.dir, sub), { recursive: true });
  const counters = options.metrics ? ingestMetrics(options.metrics) : undefined;
  const ingest = options.ingest ?? ingestFile;
  const settleMs = options.settleMs ?? 1000;
  const stuckAfterMs = options.stuckAfterMs ?? 60_000;
  let stopped = false;
  let current: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  /** since when a file has been waiting on the broker (undefined: nothing is waiting) */
  let waitingSince: number | undefined;
  let waitingOn: string | undefined;

  /** Moves a poison entry to failed/ with the reason beside it, so it blocks nothing and says why. */
  const quarantine = async (feed: Feed, name: string, err: unknown) => {
    const target = `${Date.now()}-${name}`;
    await rename(join(options.dir, feed, name), join(options.dir, "failed", target));
    const reason = { file: name, feed, failedAt: new Date().toISOString(), error: (err as Error).message ?? String(err) };
    await writeFile(join(options.dir, "failed", `${target}.reason.json`), `${JSON.stringify(reason, null, 2)}\n`);
    counters?.done(feed, "failed");
    options.logger.error({ err, file: name, feed, movedTo: join("failed", target) }, "inbox entry cannot be ingested: moved to failed/");
  };

  /** One entry: ingested and moved to done/, left for the next poll (still written, broker away), or quarantined. */
  const take = async (feed: Feed, name: string): Promise<"done" | "later"> => {
    const path = join(options.dir, feed, name);
    let info: Awaited<ReturnType<typeof stat>>;
    try {
      info = await stat(path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return "done"; // taken away meanwhile
      throw err;
    }
    if (!info.isFile()) {
      await quarantine(feed, name, new Error(`not a regular file (${info.isDirectory() ? "a directory" : "a special file"})`));
      return "done";
    }
    if (Date.now() - info.mtimeMs < settleMs) return "later"; // still being written
    const track = counters?.file(feed);
    let report: IngestReport;
    try {
      report = await ingest({ producer: options.producer, topicPrefix: options.topicPrefix, file: path, feed, ...(track ? { onProgress: track } : {}) });
    } catch (err) {
      if (isBrokerError(err)) {
        // the broker, not the file: keep it for the next poll; readiness turns false if this lasts
        waitingSince ??= Date.now();
        waitingOn = name;
        options.logger.warn({ err, file: name, feed }, "broker unavailable: the file stays in the inbox for the next poll");
        return "later";
      }
      await quarantine(feed, name, err);
      return "done";
    }
    waitingSince = undefined;
    waitingOn = undefined;
    track?.(report);
    counters?.done(feed, "ingested");
    options.logger.info(report, "ingested file");
    await rename(path, join(options.dir, "done", `${Date.now()}-${name}`));
    return "done";
  };

  const scan = async () => {
    for (const feed of feeds) {
      for (const name of (await readdir(join(options.dir, feed))).sort()) {
        if (stopped) return;
        if (isInProgress(name)) continue;
        try {
          if ((await take(feed, name)) === "later" && waitingSince !== undefined) return; // broker away: try again next poll
        } catch (err) {
          // e.g. done/ or failed/ not writable: say so once per poll, go on with the other entries
          options.logger.error({ err, file: name, feed }, "inbox entry could not be handled");
          waitingSince ??= Date.now();
          waitingOn = name;
        }
      }
    }
  };
  const loop = () => {
    current = scan()
      .catch((err: unknown) => options.logger.error({ err }, "inbox scan failed"))
      .finally(() => {
        if (!stopped) timer = setTimeout(loop, options.pollMs ?? 2000);
      });
  };
  loop();
  const stuck = () =>
    waitingSince !== undefined && Date.now() - waitingSince >= stuckAfterMs
      ? `${waitingOn} has waited ${Math.round((Date.now() - waitingSince) / 1000)} s`
      : undefined;
  return {
    ready: () => !stopped && stuck() === undefined,
    stuck,
    close: async () => {
      stopped = true;
      clearTimeout(timer);
      await current;
    },
  };
}

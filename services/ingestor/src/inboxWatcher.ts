import { mkdir, readdir, rename } from "node:fs/promises";
import { join } from "node:path";
import { type IngestReport, ingestFile } from "@entrepot/ingest";
import type { JsonProducer } from "@entrepot/kafka";
import type { Logger, Metrics } from "@entrepot/runtime";
import type { Feed } from "@entrepot/schemas";

export interface InboxOptions {
  /** files dropped in `<dir>/revenue/` or `<dir>/customs/` are ingested, then moved to `<dir>/done/` */
  dir: string;
  producer: JsonProducer;
  topicPrefix: string;
  logger: Logger;
  /** reconciliation counters (served on /metrics by the service); updated after every acknowledged batch */
  metrics?: Metrics;
  pollMs?: number;
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
export async function startInboxWatcher(options: InboxOptions): Promise<{ ready(): boolean; close(): Promise<void> }> {
  const feeds: Feed[] = ["revenue", "customs"];
  for (const sub of [...feeds, "done"]) await mkdir(join(options.dir, sub), { recursive: true });
  const counters = options.metrics ? ingestMetrics(options.metrics) : undefined;
  let stopped = false;
  let current: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  const scan = async () => {
    for (const feed of feeds) {
      const folder = join(options.dir, feed);
      for (const name of (await readdir(folder)).sort()) {
        if (stopped) return;
        if (name.startsWith(".")) continue;
        const track = counters?.file(feed);
        let report: IngestReport;
        try {
          report = await ingestFile({
            producer: options.producer,
            topicPrefix: options.topicPrefix,
            file: join(folder, name),
            feed,
            ...(track ? { onProgress: track } : {}),
          });
        } catch (err) {
          counters?.done(feed, "failed");
          throw err;
        }
        track?.(report);
        counters?.done(feed, "ingested");
        options.logger.info(report, "ingested file");
        await rename(join(folder, name), join(options.dir, "done", `${Date.now()}-${name}`));
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
  return {
    ready: () => !stopped,
    close: async () => {
      stopped = true;
      clearTimeout(timer);
      await current;
    },
  };
}

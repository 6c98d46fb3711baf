import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTopics, ingest } from "@entrepot/cli";
import { createKafka, deleteTopics } from "@entrepot/kafka";
import { createLogger } from "@entrepot/runtime";
import { topicDefinitions } from "@entrepot/schemas";
import { uniquePrefix } from "@entrepot/testkit";
import { MiB, writeCustoms } from "./customsFile";
import { procMemoryMB } from "./processStats";
import type { BenchContext, BenchResult } from "./run";

const TARGET_MB = Number(process.env.BENCH_INGEST_MB ?? 1024);
const rssMB = () => Math.round(process.memoryUsage().rss / MiB);

/**
 * Ingest at scale: a generated customs CSV of BENCH_INGEST_MB MB (default 1024), written to a
 * temporary folder at run time, ingested by the real ingestor (`ingest`, the CLI's path: stream ->
 * customs.raw.v1 in acknowledged batches) in this process, while this process's RSS is sampled
 * every 100 ms and recorded when 10%, 25%, 50%, 75% and 100% of the file's bytes have been read.
 */
export default async function run(ctx: BenchContext): Promise<BenchResult> {
  const tmp = mkdtempSync(join(tmpdir(), "entrepot-bench-ingest-"));
  const file = join(tmp, "customs.csv");
  const brokers = ctx.kafkaBrokers.split(",");
  const prefix = uniquePrefix("bench-scale");
  const logger = createLogger({ name: "bench", level: "warn" });
  const kafka = createKafka({ brokers, clientId: "bench-ingest-scale", logger });
  try {
    const g0 = performance.now();
    const rowsWritten = await writeCustoms(file, { bytes: TARGET_MB * MiB });
    const generateS = (performance.now() - g0) / 1000;
    const size = statSync(file).size;
    process.stderr.write(
      `[bench] ingestScale: generated ${(size / MiB).toFixed(0)} MiB, ${rowsWritten} rows in ${generateS.toFixed(0)} s\n`,
    );
    await createTopics(brokers, prefix, logger);

    const rssBefore = rssMB();
    let peakRss = rssBefore;
    const sampler = setInterval(() => {
      peakRss = Math.max(peakRss, rssMB());
    }, 100);
    const marks = [0.1, 0.25, 0.5, 0.75, 1];
    const atMark: Record<string, number> = {};
    let lastLog = 0;
    const t0 = performance.now();
    const report = await ingest(kafka, prefix, file, "customs", (r) => {
      const rss = rssMB();
      peakRss = Math.max(peakRss, rss);
      while (marks.length > 0 && r.bytesRead >= (marks[0] as number) * size) {
        atMark[`${Math.round((marks.shift() as number) * 100)}%`] = rss;
      }
      if (performance.now() - lastLog > 30_000) {
        lastLog = performance.now();
        process.stderr.write(
          `[bench] ingestScale: ${((100 * r.bytesRead) / size).toFixed(0)}% ${r.read} rows, RSS ${rss} MB, ${((performance.now() - t0) / 1000).toFixed(0)} s\n`,
        );
      }
    });
    const ingestS = (performance.now() - t0) / 1000;
    clearInterval(sampler);
    const rssAfter = rssMB();
    const mb = size / 1e6;
    return {
      name: "Customs ingest at scale (1 GB class file)",
      figures: {
        "file (generated, customs-csv)": `${(size / MiB).toFixed(0)} MiB (${mb.toFixed(0)} MB), ${rowsWritten} rows`,
        "ingest: read = published + rejected": `${report.read} = ${report.published} + ${report.rejected} (${Object.entries(report.byReason)
          .map(([k, v]) => `${k} ${v}`)
          .join(", ")})`,
        "ingest: bytes read / file size": `${report.bytesRead} / ${report.bytes}`,
        "ingest: wall time (s)": ingestS.toFixed(1),
        "ingest: rows/s (CSV -> customs.raw.v1, acked)": Math.round(report.read / ingestS),
        "ingest: MB/s (file bytes)": (mb / ingestS).toFixed(2),
        "RSS before ingest (MB)": rssBefore,
        "RSS at 10% / 25% / 50% / 75% / 100% of the file read (MB)": ["10%", "25%", "50%", "75%", "100%"]
          .map((k) => atMark[k] ?? "?")
          .join(" / "),
        "peak RSS sampled during ingest, every 100 ms and per batch (MB)": peakRss,
        "RSS after ingest (MB)": rssAfter,
        // the kernel's high-water mark of this process's resident set (covers peaks between samples)
        "VmHWM of the process (kernel high-water mark, whole run, MB)": procMemoryMB(process.pid),
      },
      notes:
        `BENCH_INGEST_MB=${TARGET_MB}; file generated in ${generateS.toFixed(0)} s into ${tmpdir()} and deleted afterwards. ` +
        "The benchmark process is the ingesting process (same code path as `pnpm entrepot ingest`); one Kafka broker " +
        "on the same machine shares its cores.",
    };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
    await deleteTopics(
      kafka,
      topicDefinitions(prefix).map((t) => t.name),
    );
  }
}

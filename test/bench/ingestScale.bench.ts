import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTopics, type RunningService, SERVICE_NODE_OPTIONS, spawnService, stopServices, waitReady } from "@entrepot/cli";
import { createKafka, deleteTopics } from "@entrepot/kafka";
import { createLogger } from "@entrepot/runtime";
import { topicDefinitions } from "@entrepot/schemas";
import { repoRoot, uniquePrefix } from "@entrepot/testkit";
import { MiB, writeCustoms } from "./customsFile";
import { procCpuSeconds, procMemoryMB } from "./processStats";
import type { BenchContext, BenchResult } from "./run";

const TARGET_MB = Number(process.env.BENCH_INGEST_MB ?? 1024);

/** The ingestor's "ingested file" log line (its report: read = published + rejected). */
interface IngestedLine {
  msg?: string;
  read: number;
  published: number;
  rejected: number;
  byReason: Record<string, number>;
  bytes: number;
  bytesRead: number;
}

function ingestedReport(logFile: string): IngestedLine | undefined {
  let text = "";
  try {
    text = readFileSync(logFile, "utf8");
  } catch {
    return undefined;
  }
  for (const line of text.split("\n")) {
    if (!line.includes('"ingested file"')) continue;
    const parsed = JSON.parse(line) as IngestedLine;
    if (parsed.msg === "ingested file") return parsed;
  }
  return undefined;
}

/** bytes the ingestor has read so far, from its /metrics (`entrepot_ingestor_bytes_read_total`) */
async function bytesRead(healthPort: number): Promise<number> {
  try {
    const text = await (await fetch(`http://127.0.0.1:${healthPort}/metrics`)).text();
    const m = /^entrepot_ingestor_bytes_read_total\{feed="customs"\} (\d+(?:\.\d+)?(?:e\+\d+)?)$/m.exec(text);
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/**
 * Ingest at scale: a generated customs CSV of BENCH_INGEST_MB MB (default 1024), written to a
 * temporary folder at run time and dropped into the inbox of the ingestor service, started as its
 * own process the way `entrepot run` and docker-compose start it (`spawnService`: the services' V8
 * settings, `SERVICE_NODE_OPTIONS`). The ingestor streams it to customs.raw.v1 in acknowledged
 * batches; its resident set is read from the kernel every 100 ms and recorded when 10%, 25%, 50%,
 * 75% and 100% of the file's bytes have been read (its /metrics), with its high-water mark (VmHWM)
 * and CPU time at the end.
 */
export default async function run(ctx: BenchContext): Promise<BenchResult> {
  const tmp = mkdtempSync(join(tmpdir(), "entrepot-bench-ingest-"));
  const file = join(tmp, "customs.csv");
  const inbox = join(tmp, "inbox");
  const logFile = join(tmp, "ingestor.log");
  const brokers = ctx.kafkaBrokers.split(",");
  const prefix = uniquePrefix("bench-scale");
  const logger = createLogger({ name: "bench", level: "warn" });
  const kafka = createKafka({ brokers, clientId: "bench-ingest-scale", logger });
  let service: RunningService | undefined;
  try {
    const g0 = performance.now();
    const rowsWritten = await writeCustoms(file, { bytes: TARGET_MB * MiB });
    const generateS = (performance.now() - g0) / 1000;
    await createTopics(brokers, prefix, logger);
    mkdirSync(join(inbox, "customs"), { recursive: true });
    service = await spawnService(repoRoot, "ingestor", {
      env: {
        ...process.env,
        KAFKA_BROKERS: ctx.kafkaBrokers,
        REDIS_URL: ctx.redisUrl,
        ENTREPOT_TOPIC_PREFIX: prefix,
        ENTREPOT_INBOX: inbox,
        ENTREPOT_INBOX_SETTLE_MS: "0",
        LOG_LEVEL: "info",
        HEALTH_PORT: "0",
      },
      logFile,
    });
    const pid = service.child.pid;
    await waitReady(service, 120_000);
    const size = statSync(file).size;
    process.stderr.write(
      `[bench] ingestScale: generated ${(size / MiB).toFixed(0)} MiB, ${rowsWritten} rows in ${generateS.toFixed(0)} s; ingestor pid ${pid}\n`,
    );
    const rssBefore = procMemoryMB(pid, "VmRSS");
    const cpuBefore = procCpuSeconds(pid);
    let peakRss = rssBefore;
    const sampler = setInterval(() => {
      peakRss = Math.max(peakRss, procMemoryMB(pid, "VmRSS") || 0);
    }, 100);
    const marks = [0.1, 0.25, 0.5, 0.75];
    const atMark: Record<string, number> = {};
    const t0 = performance.now();
    let lastLog = t0;
    // one rename into the inbox: the ingestor never sees a half-written file
    renameSync(file, join(inbox, "customs", "customs.csv"));
    let report: IngestedLine | undefined;
    for (;;) {
      report = ingestedReport(logFile);
      if (report) break;
      if (service.child.exitCode !== null) throw new Error(`the ingestor exited with code ${service.child.exitCode}`);
      const read = await bytesRead(service.healthPort);
      while (marks.length > 0 && read >= (marks[0] as number) * size) {
        atMark[`${Math.round((marks.shift() as number) * 100)}%`] = procMemoryMB(pid, "VmRSS");
      }
      if (performance.now() - lastLog > 30_000) {
        lastLog = performance.now();
        process.stderr.write(
          `[bench] ingestScale: ${((100 * read) / size).toFixed(0)}%, RSS ${procMemoryMB(pid, "VmRSS")} MB, ${((performance.now() - t0) / 1000).toFixed(0)} s\n`,
        );
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    const ingestS = (performance.now() - t0) / 1000;
    clearInterval(sampler);
    atMark["100%"] = procMemoryMB(pid, "VmRSS");
    const cpuS = procCpuSeconds(pid) - cpuBefore;
    const mb = size / 1e6;
    return {
      name: "Customs ingest at scale (1 GB class file), through the ingestor service",
      figures: {
        "file (generated, customs-csv)": `${(size / MiB).toFixed(0)} MiB (${mb.toFixed(0)} MB), ${rowsWritten} rows`,
        "ingest: read = published + rejected": `${report.read} = ${report.published} + ${report.rejected} (${Object.entries(report.byReason)
          .map(([k, v]) => `${k} ${v}`)
          .join(", ")})`,
        "ingest: bytes read / file size": `${report.bytesRead} / ${report.bytes}`,
        "ingest: wall time from the drop into the inbox (s)": ingestS.toFixed(1),
        "ingest: rows/s (CSV -> customs.raw.v1, acked)": Math.round(report.read / ingestS),
        "ingest: MB/s (file bytes)": (mb / ingestS).toFixed(2),
        "ingestor: CPU ms (user + system) per 1000 rows": Number(((1000 * cpuS * 1000) / report.read).toFixed(1)),
        "ingestor RSS before the file (ready, idle, MB)": rssBefore,
        "ingestor RSS at 10% / 25% / 50% / 75% / 100% of the file read (MB)": ["10%", "25%", "50%", "75%", "100%"]
          .map((k) => atMark[k] ?? "?")
          .join(" / "),
        "ingestor peak RSS sampled every 100 ms (MB)": peakRss,
        // the kernel's high-water mark of the ingestor's resident set (covers peaks between samples)
        "ingestor VmHWM (kernel high-water mark, whole run, MB)": procMemoryMB(pid),
      },
      notes:
        `BENCH_INGEST_MB=${TARGET_MB}; file generated in ${generateS.toFixed(0)} s into ${tmpdir()} and deleted afterwards. ` +
        `The ingestor service (services/ingestor) ingests it as its own process, NODE_OPTIONS "${SERVICE_NODE_OPTIONS}${
          process.env.NODE_OPTIONS ? ` ${process.env.NODE_OPTIONS}` : ""
        }"; one Kafka broker on the same machine shares its cores.`,
    };
  } finally {
    if (service) await stopServices([service]);
    rmSync(tmp, { recursive: true, force: true });
    await deleteTopics(
      kafka,
      topicDefinitions(prefix).map((t) => t.name),
    );
  }
}

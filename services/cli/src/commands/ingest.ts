import { statSync } from "node:fs";
import { readMappingFile } from "@entrepot/feeds";
import { ingestFile } from "@entrepot/ingest";
import { ensureTopics, JsonProducer, SERVICE_RETRY } from "@entrepot/kafka";
import { topicDefinitions, topicName } from "@entrepot/schemas";
import { type Command, Option } from "commander";
import { cliRuntime, print } from "../cliEnv";
import { action } from "../cliErrors";
import { CONNECT_DEADLINE_MS, connectKafka } from "../connections";
import { checkFeedFile, noUsableRow, reasonList } from "../inputChecks";
import {
  formatReconciliation,
  ingest,
  metricsDelta,
  type NormalizerMetrics,
  reconcile,
  scrapeNormalizerMetrics,
  waitNormalized,
} from "../pipelineRun";
import { progressPrinter } from "../progress";
import { examples, existingFile, httpUrl, positiveNumber, UsageError } from "../usage";
import { type FileReadingOptions, feedOption, formatOption, mappingOption } from "./fileOptions";

interface IngestOptions extends FileReadingOptions {
  json?: boolean;
  wait?: boolean;
  timeout: number;
  normalizerMetrics?: string;
}

/** `entrepot ingest <file> --feed revenue|customs [--format F] [--mapping m.json] [--wait ...]` */
export function registerIngest(program: Command): void {
  examples(
    program
      .command("ingest")
      .description("publish a feed file to the raw topic; prints the reconciliation (read = published + rejected); exit 4: no usable row")
      .argument("<file>", "the feed file (CSV, Comtrade, JSON lines...)", existingFile)
      .addOption(feedOption("the feed of the file (may be left out with --format or --mapping: detected per row)"))
      .addOption(formatOption())
      .addOption(mappingOption())
      .option("--wait", "wait for the normalizer and print the cross-stage reconciliation")
      .option("--json", "print the ingest report (and the reconciliation with --wait) as JSON, one object per line")
      .addOption(new Option("--timeout <seconds>", "how long --wait waits").default(300).argParser(positiveNumber))
      .option(
        "--normalizer-metrics <url>",
        "the normalizer's /metrics, scraped before and after (--wait: duplicates from the normalizer)",
        httpUrl,
      ),
    "ingest services/cli/samples/nvda-revenue.csv --feed revenue",
    "ingest big.csv --feed customs --wait --timeout 600",
    "ingest comtrade.csv --format comtrade",
  ).action(
    action(async (file: string, options: IngestOptions) => {
      const layout = options.format !== undefined || options.mapping !== undefined;
      if (options.feed === undefined && !layout)
        throw new UsageError("required option '--feed <feed>' not specified (revenue or customs; optional with --format or --mapping)");
      const path = file; // absolute (usage.ts)
      checkFeedFile(path);
      const mapping = options.mapping ? readMappingFile(options.mapping) : undefined;
      const rt = cliRuntime();
      const { prefix } = rt;
      const metricsUrl = options.normalizerMetrics;
      const metricsBefore: NormalizerMetrics | undefined = metricsUrl ? await scrapeNormalizerMetrics(metricsUrl) : undefined;
      // the broker is probed first (fail fast); once the run is going, a broker restart is ridden out
      const kafka = await connectKafka(rt, CONNECT_DEADLINE_MS, SERVICE_RETRY);
      await ensureTopics(kafka, topicDefinitions(prefix));
      const onProgress = progressPrinter(statSync(path).size);
      const report =
        !layout && options.feed
          ? await ingest(kafka, prefix, path, options.feed, onProgress)
          : await (async () => {
              // --format / --mapping: the ingestor reads the layout given instead of detecting it
              const producer = new JsonProducer(kafka);
              await producer.start();
              try {
                return await ingestFile({
                  producer,
                  topicPrefix: prefix,
                  file: path,
                  onProgress,
                  ...(options.feed ? { feed: options.feed } : {}),
                  ...(options.format ? { format: options.format } : {}),
                  ...(mapping ? { mapping } : {}),
                });
              } finally {
                await producer.close();
              }
            })();
      onProgress.finish(report);
      const reasons = reasonList(report.byReason);
      if (options.json) print(JSON.stringify({ ingest: report }));
      else
        print(
          `ingest run ${report.ingestRun}: read ${report.read} = published ${report.published} + rejected ${report.rejected}${reasons ? ` (${reasons})` : ""}` +
            `; published revenue ${report.publishedByFeed.revenue}, customs ${report.publishedByFeed.customs}; ${(report.bytesRead / 1e6).toFixed(1)} of ${(report.bytes / 1e6).toFixed(1)} MB read`,
        );
      if (report.published === 0)
        throw noUsableRow(
          path,
          report.read,
          report.rejected,
          report.byReason,
          `the dead letters are on ${topicName(prefix, "rejects")} (entrepot dlq list)`,
        );
      if (!options.wait) return 0;
      await waitNormalized(kafka, prefix, options.timeout * 1000);
      const rec = await reconcile(kafka, prefix, report, {
        ...(metricsUrl && metricsBefore ? { normalizerDelta: metricsDelta(metricsBefore, await scrapeNormalizerMetrics(metricsUrl)) } : {}),
      });
      if (options.json) print(JSON.stringify({ reconciliation: rec }));
      else for (const line of formatReconciliation(rec).split("\n")) print(line);
      return rec.balanced ? 0 : 1;
    }),
  );
}

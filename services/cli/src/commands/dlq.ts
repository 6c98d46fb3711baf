import { readMappingFile } from "@entrepot/feeds";
import { ensureTopics, JsonProducer, type Kafka, type OutgoingMessage, scanTopic } from "@entrepot/kafka";
import { ReasonCode, topicDefinitions, topicName } from "@entrepot/schemas";
import { type Command, InvalidArgumentError, Option } from "commander";
import { cliRuntime, print } from "../cliEnv";
import { action } from "../cliErrors";
import { connectKafka } from "../connections";
import {
  type DeadLetter,
  type DeadLetterFilter,
  deadLetterOf,
  formatDeadLetter,
  LatestItems,
  matchesFilter,
  replayPlan,
} from "../deadLetters";
import { examples, isoTime, positiveInteger, repeatable } from "../usage";
import { mappingFile } from "./fileOptions";

interface FilterOptions {
  reason?: string[];
  since?: string;
  file?: string;
  stage?: string;
  pageSize: number;
  json?: boolean;
}

/** --reason, --since, --file, --stage and --page-size, shared by list, show and replay. */
function filterOptions(command: Command): Command {
  return command
    .addOption(
      new Option("--reason <code>", "only this reason code, e.g. unknown_region (repeatable; docs/reason-codes.md)").argParser(
        (value: string, previous: string[] | undefined) => {
          if (!(ReasonCode.options as readonly string[]).includes(value) && value !== "unparsable")
            throw new InvalidArgumentError(`'${value}' is not a reason code (see docs/reason-codes.md).`);
          return repeatable(value, previous);
        },
      ),
    )
    .option("--since <time>", "only dead letters written at or after this ISO time", isoTime)
    .option("--file <file>", "only dead letters of this source file (its path as ingested, or its name)")
    .addOption(new Option("--stage <stage>", "only this stage").choices(["ingest", "normalize", "detect", "notify"]))
    .addOption(new Option("--page-size <n>", "messages read per page (bounds memory)").default(500).argParser(positiveInteger));
}

function filterOf(options: FilterOptions): DeadLetterFilter {
  return {
    ...(options.reason ? { reasons: options.reason } : {}),
    ...(options.since ? { sinceMs: Date.parse(options.since) } : {}),
    ...(options.file ? { file: options.file } : {}),
    ...(options.stage ? { stage: options.stage } : {}),
  };
}

/**
 * Pages through rejects.v1 (from --since when given, up to the end captured at the start) and hands
 * every dead letter matching the filters to `each`; returns how many matched. Memory: one page.
 */
async function eachDeadLetter(
  kafka: Kafka,
  prefix: string,
  options: FilterOptions,
  each: (d: DeadLetter) => Promise<boolean | undefined> | boolean | undefined,
  onPageEnd?: () => Promise<void>,
): Promise<{ matched: number; topic: string }> {
  const topic = topicName(prefix, "rejects");
  await ensureTopics(
    kafka,
    topicDefinitions(prefix).filter((t) => t.key === "rejects"),
  );
  const filter = filterOf(options);
  let matched = 0;
  await scanTopic(
    kafka,
    topic,
    { pageSize: options.pageSize, ...(filter.sinceMs !== undefined ? { sinceMs: filter.sinceMs } : {}) },
    async (page) => {
      for (const m of page) {
        const d = deadLetterOf(m);
        if (!matchesFilter(d, filter)) continue;
        matched += 1;
        if ((await each(d)) === false) return false;
      }
      await onPageEnd?.();
      return true;
    },
  );
  return { matched, topic };
}

const show = (d: DeadLetter, json: boolean | undefined) => print(json ? JSON.stringify(d.rejection ?? d) : formatDeadLetter(d));
/** The closing count: on stdout with the lines, on stderr under --json (stdout stays one JSON value per line). */
const summary = (line: string, json: boolean | undefined) => (json ? process.stderr.write(`${line}\n`) : print(line));

/** `entrepot dlq list|show|replay`: rejects.v1, paged */
export function registerDlq(program: Command): void {
  const dlq = examples(
    program.command("dlq").description("the dead letters on rejects.v1: list, show the latest, replay after a fix"),
    "dlq show --limit 5",
    "dlq list --reason unknown_region --since 2025-01-31T00:00:00Z",
    "dlq replay --reason unknown_region --dry-run",
  );
  examples(
    filterOptions(
      dlq
        .command("list")
        .description("the dead letters matching the filters, oldest first, read page by page")
        .addOption(new Option("--limit <n>", "print at most this many (all are counted)").default(50).argParser(positiveInteger))
        .option("--json", "each dead letter as it is on the topic, one per line"),
    ),
    "dlq list --reason unknown_region",
    "dlq list --file nvda-revenue.csv --since 2025-01-31T12:00:00Z --json",
  ).action(
    action(async (options: FilterOptions & { limit: number }) => {
      let shown = 0;
      const rt = cliRuntime();
      const { matched, topic } = await eachDeadLetter(await connectKafka(rt), rt.prefix, options, (d) => {
        if (shown < options.limit) {
          show(d, options.json);
          shown += 1;
        }
        return true;
      });
      summary(`${shown} of ${matched} matching dead letters on ${topic}`, options.json);
      return 0;
    }),
  );
  examples(
    filterOptions(
      dlq
        .command("show")
        .description("the latest dead letters (matching the filters) with stage, reason, file and line")
        .addOption(new Option("--limit <n>", "how many of the latest").default(20).argParser(positiveInteger))
        .option("--json", "the dead letters as they are on the topic, one per line"),
    ),
    "dlq show",
    "dlq show --limit 100 --json",
    "dlq show --reason bad_number",
  ).action(
    action(async (options: FilterOptions & { limit: number }) => {
      const latest = new LatestItems<DeadLetter>(options.limit);
      const rt = cliRuntime();
      const { matched, topic } = await eachDeadLetter(await connectKafka(rt), rt.prefix, options, (d) => {
        latest.push(d);
        return true;
      });
      for (const d of latest.values) show(d, options.json);
      summary(`${latest.values.length} of ${matched} dead letters on ${topic}`, options.json);
      return 0;
    }),
  );
  examples(
    filterOptions(
      dlq
        .command("replay")
        .description(
          "re-submit normalize-stage dead letters to their raw topic after a fix (a mapping, reference data, FX rates); provenance kept, idempotent",
        )
        .addOption(new Option("--limit <n>", "replay at most this many").argParser(positiveInteger))
        .option("--mapping <file>", "correct the fields first with this mapping file's values and constants (same feed only)", mappingFile)
        .option(
          "--include-replays",
          "replay the dead letters of earlier replays too (when their originals are filtered out, e.g. by --since)",
        )
        .option("--dry-run", "print what would be replayed, send nothing")
        .option("--json", "print each replayed raw record as JSON"),
    ),
    "dlq replay --reason unknown_region --dry-run",
    "dlq replay --reason unknown_region --mapping fixed-mapping.json",
    "dlq replay --reason bad_currency --since 2025-01-31T12:00:00Z",
  ).action(
    action(async (options: FilterOptions & { limit?: number; mapping?: string; dryRun?: boolean; includeReplays?: boolean }) => {
      const rt = cliRuntime();
      const fix = options.mapping ? readMappingFile(options.mapping) : undefined;
      const kafka = await connectKafka(rt);
      // replays go out page by page, so memory stays one page whatever the topic holds
      let producer: JsonProducer | undefined;
      let pending: OutgoingMessage[] = [];
      const byTopic: Record<string, number> = {};
      const skipped: Record<string, number> = {};
      let replayed = 0;
      const flush = async () => {
        if (pending.length === 0 || options.dryRun) return;
        await producer?.send(pending);
        pending = [];
      };
      try {
        const { matched, topic } = await eachDeadLetter(
          kafka,
          rt.prefix,
          options,
          async (d) => {
            if (options.limit !== undefined && replayed >= options.limit) return false;
            const plan = replayPlan(d, rt.prefix, { fix, ...(options.includeReplays ? { includeReplays: true } : {}) });
            if (!plan.ok) {
              skipped[plan.why] = (skipped[plan.why] ?? 0) + 1;
              return true;
            }
            if (!producer && !options.dryRun) {
              producer = new JsonProducer(kafka);
              await producer.start();
            }
            replayed += 1;
            byTopic[plan.message.topic] = (byTopic[plan.message.topic] ?? 0) + 1;
            if (options.json) print(JSON.stringify(plan.message.value));
            else if (options.dryRun) print(`would replay ${d.id} -> ${plan.message.topic} (${d.reason} ${d.file ?? "?"}:${d.line ?? "?"})`);
            pending.push(plan.message);
            return true;
          },
          flush,
        );
        await flush();
        const targets = Object.entries(byTopic)
          .map(([t, n]) => `${t} ${n}`)
          .join(", ");
        const skips = Object.entries(skipped)
          .map(([why, n]) => `${n} ${why}`)
          .join("; ");
        summary(
          `${options.dryRun ? "would replay" : "replayed"} ${replayed} of ${matched} matching dead letters on ${topic}${targets ? ` -> ${targets}` : ""}${skips ? `; skipped ${skips}` : ""}`,
          options.json,
        );
        return 0;
      } finally {
        await producer?.close();
      }
    }),
  );
}

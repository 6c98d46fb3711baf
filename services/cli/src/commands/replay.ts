import { GroupActiveError, type ResetTarget, resetGroupOffsets } from "@entrepot/kafka";
import { type Command, InvalidArgumentError } from "commander";
import { cliRuntime, print } from "../cliEnv";
import { action } from "../cliErrors";
import { connectKafka } from "../connections";
import { EXIT, OperationalError } from "../exitCodes";
import { STAGE_NAMES, type StageName, stageGroup } from "../pipelineStages";
import { examples, requiredOption } from "../usage";

/** `earliest`, an ISO time, or an offset (an integer >= 0, the same for every partition). */
export function replayFrom(value: string): ResetTarget {
  if (value === "earliest") return { kind: "earliest" };
  if (/^\d+$/.test(value)) return { kind: "offset", offset: Number(value) };
  const t = Date.parse(value);
  if (Number.isNaN(t)) throw new InvalidArgumentError("Expected earliest, an ISO time like 2025-01-31T12:00:00Z, or an offset.");
  return { kind: "time", timestamp: t };
}

function describeTarget(t: ResetTarget): string {
  if (t.kind === "earliest") return "the earliest offset";
  if (t.kind === "offset") return `offset ${t.offset}`;
  return `the first offset at or after ${new Date(t.timestamp).toISOString()}`;
}

/** `entrepot replay --stage normalizer|detector|notifier --from <earliest|ISO time|offset> [--dry-run]` */
export function registerReplay(program: Command): void {
  examples(
    program
      .command("replay")
      .description(
        "re-drive a stage: move its consumer group back so it consumes again (only while the stage is stopped; exit 5 otherwise)",
      )
      .addOption(requiredOption("--stage <stage>", "the stage to re-drive").choices(STAGE_NAMES))
      .addOption(
        requiredOption("--from <from>", "earliest, an ISO time, or an offset (same for every partition; clamped to the log)").argParser(
          replayFrom,
        ),
      )
      .option("--dry-run", "print the moves, change nothing")
      .option("--json", "the moves as one JSON object"),
    "replay --stage normalizer --from earliest --dry-run",
    "replay --stage detector --from 2025-01-31T12:00:00Z",
    "replay --stage notifier --from 0",
  ).action(
    action(async (options: { stage: StageName; from: ResetTarget; dryRun?: boolean; json?: boolean }) => {
      const rt = cliRuntime();
      const kafka = await connectKafka(rt);
      const { groupId, topics } = stageGroup(rt.prefix, options.stage);
      if (!options.json)
        print(
          `${options.dryRun ? "would move" : "moving"} consumer group ${groupId} on ${topics.join(", ")} to ${describeTarget(options.from)}`,
        );
      try {
        const moves = await resetGroupOffsets(kafka, groupId, topics, options.from, { dryRun: options.dryRun === true });
        const records = moves.reduce((n, m) => n + (m.from === null ? 0 : Math.max(0, m.from - m.to)), 0);
        if (options.json) {
          print(JSON.stringify({ stage: options.stage, group: groupId, dryRun: options.dryRun === true, moves, records }));
          return EXIT.ok;
        }
        for (const m of moves) {
          const delta = m.from === null ? "(never committed)" : `${m.to - m.from >= 0 ? "+" : ""}${m.to - m.from}`;
          print(`  ${m.topic}[${m.partition}] ${m.from ?? "-"} -> ${m.to} ${delta}`);
        }
        print(
          options.dryRun
            ? `dry run: nothing changed; ${records} records would be consumed again when ${options.stage} starts`
            : `done: ${records} records will be consumed again when ${options.stage} starts (entrepot run ${options.stage})`,
        );
        return EXIT.ok;
      } catch (err) {
        if (err instanceof GroupActiveError)
          throw new OperationalError(
            `${options.stage} is running (${err.members} member(s) in group ${groupId}): stop it first (SIGTERM / Ctrl-C on \`entrepot run ${options.stage}\`), then replay`,
            EXIT.groupActive,
          );
        throw err;
      }
    }),
  );
}

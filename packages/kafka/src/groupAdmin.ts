import type { Admin } from "kafkajs";
import type { Kafka } from "./client";

/** One partition of a topic a consumer group reads: where the group is and where the log ends. */
export interface PartitionLag {
  topic: string;
  partition: number;
  /** the group's committed offset (the next message it will read); null when it never committed */
  committed: number | null;
  /** log start offset */
  low: number;
  /** high watermark: the offset the next message produced gets */
  high: number;
  /** high - committed (high - low when nothing is committed: everything still there is unread) */
  lag: number;
}

export interface GroupDescription {
  groupId: string;
  /** Kafka's group state: Stable, Empty, Dead (unknown group), PreparingRebalance, CompletingRebalance */
  state: string;
  members: number;
}

async function withAdmin<T>(kafka: Kafka, run: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return await run(admin);
  } finally {
    await admin.disconnect();
  }
}

/** Committed offset vs log end, per partition of each topic the group reads. */
export function groupLag(kafka: Kafka, groupId: string, topics: readonly string[]): Promise<PartitionLag[]> {
  return withAdmin(kafka, async (admin) => {
    const committed = await admin.fetchOffsets({ groupId, topics: [...topics] });
    const out: PartitionLag[] = [];
    for (const t of committed) {
      const ends = await admin.fetchTopicOffsets(t.topic);
      for (const end of ends.sort((a, b) => a.partition - b.partition)) {
        const c = Number(t.partitions.find((p) => p.partition === end.partition)?.offset ?? -1);
        const low = Number(end.low);
        const high = Number(end.high);
        const from = c >= 0 ? c : null;
        out.push({
          topic: t.topic,
          partition: end.partition,
          committed: from,
          low,
          high,
          lag: Math.max(0, high - Math.max(from ?? low, low)),
        });
      }
    }
    return out;
  });
}

/** State and member count of consumer groups. */
export function describeGroups(kafka: Kafka, groupIds: readonly string[]): Promise<GroupDescription[]> {
  return withAdmin(kafka, async (admin) => {
    const { groups } = await admin.describeGroups([...groupIds]);
    return groups.map((g) => ({ groupId: g.groupId, state: g.state, members: g.members.length }));
  });
}

/** Where to move a group: the log start, the first offset at or after a time, or an explicit offset per partition. */
export type ResetTarget = { kind: "earliest" } | { kind: "time"; timestamp: number } | { kind: "offset"; offset: number };

export interface OffsetMove {
  topic: string;
  partition: number;
  /** the committed offset before, null when none */
  from: number | null;
  to: number;
}

/** A group that has members cannot have its offsets moved (Kafka refuses; the members would overwrite them). */
export class GroupActiveError extends Error {
  override name = "GroupActiveError";
  constructor(
    readonly groupId: string,
    readonly members: number,
  ) {
    super(`consumer group ${groupId} has ${members} active member(s)`);
  }
}

/**
 * Moves a consumer group's committed offsets on `topics` to `target` (clamped to each partition's
 * [low, high]); only when the group has no member, else a `GroupActiveError`. With `dryRun` it
 * computes and returns the moves without committing anything.
 */
export function resetGroupOffsets(
  kafka: Kafka,
  groupId: string,
  topics: readonly string[],
  target: ResetTarget,
  options: { dryRun?: boolean } = {},
): Promise<OffsetMove[]> {
  return withAdmin(kafka, async (admin) => {
    const { groups } = await admin.describeGroups([groupId]);
    const members = groups[0]?.members.length ?? 0;
    if (members > 0) throw new GroupActiveError(groupId, members);
    const committed = await admin.fetchOffsets({ groupId, topics: [...topics] });
    const moves: OffsetMove[] = [];
    for (const topic of topics) {
      const ends = await admin.fetchTopicOffsets(topic);
      const byTime = target.kind === "time" ? await admin.fetchTopicOffsetsByTimestamp(topic, target.timestamp) : [];
      for (const end of ends.sort((a, b) => a.partition - b.partition)) {
        const low = Number(end.low);
        const high = Number(end.high);
        const wanted =
          target.kind === "earliest"
            ? low
            : target.kind === "offset"
              ? target.offset
              : Number(byTime.find((p) => p.partition === end.partition)?.offset ?? high);
        // the broker answers -1 for a time after the last message: nothing to re-read
        const to = Math.min(high, Math.max(low, wanted < 0 ? high : wanted));
        const c = Number(committed.find((t) => t.topic === topic)?.partitions.find((p) => p.partition === end.partition)?.offset ?? -1);
        moves.push({ topic, partition: end.partition, from: c >= 0 ? c : null, to });
      }
      if (!options.dryRun) {
        await admin.setOffsets({
          groupId,
          topic,
          partitions: moves.filter((m) => m.topic === topic).map((m) => ({ partition: m.partition, offset: String(m.to) })),
        });
      }
    }
    return moves;
  });
}

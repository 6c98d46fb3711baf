import type { TopicKey } from "@entrepot/schemas";
import { topicName } from "@entrepot/schemas";

/** The consuming stages of the pipeline: each service's consumer group and the topics it reads. */
export const STAGES = {
  normalizer: { group: "entrepot-normalizer", inputs: ["revenueRaw", "customsRaw"] },
  detector: { group: "entrepot-detector", inputs: ["revenueClean", "customsClean"] },
  notifier: { group: "entrepot-notifier", inputs: ["alerts"] },
} as const satisfies Record<string, { group: string; inputs: readonly TopicKey[] }>;

export type StageName = keyof typeof STAGES;
export const STAGE_NAMES = Object.keys(STAGES) as StageName[];

/** The group id and input topics of a stage under a prefix (as the services name them). */
export function stageGroup(prefix: string, stage: StageName): { groupId: string; topics: string[] } {
  return { groupId: `${prefix}${STAGES[stage].group}`, topics: STAGES[stage].inputs.map((k) => topicName(prefix, k)) };
}

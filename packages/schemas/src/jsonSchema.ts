import { z } from "zod";
import { Alert } from "./alert";
import { CustomsClean, RevenueClean } from "./clean";
import { RawRecord } from "./provenance";
import { Rejection } from "./rejection";
import { TOPICS, type TopicKey } from "./topics";

/** The value schema of each topic: the contract analysts and other consumers read. */
export const TOPIC_VALUE_SCHEMAS: Partial<Record<TopicKey, z.ZodType>> = {
  revenueRaw: RawRecord,
  customsRaw: RawRecord,
  revenueClean: RevenueClean,
  customsClean: CustomsClean,
  rejects: Rejection,
  alerts: Alert,
};

/** JSON Schema (draft 2020-12) of every topic's message value, keyed by topic name (unprefixed). */
export function topicJsonSchemas(): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, schema] of Object.entries(TOPIC_VALUE_SCHEMAS) as [TopicKey, z.ZodType][]) {
    const spec = TOPICS[key];
    out[spec.name] = {
      ...z.toJSONSchema(schema, { io: "output", unrepresentable: "any" }),
      title: spec.name,
      description: spec.description,
    };
  }
  return out;
}

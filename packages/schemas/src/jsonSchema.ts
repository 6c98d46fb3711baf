import { z } from "zod";
import { TOPIC_CATALOG, TOPIC_KEYS } from "./topicCatalog";

/** JSON Schema (draft 2020-12) of every topic's message value, keyed by topic name (unprefixed): the contract analysts and other consumers read. */
export function topicJsonSchemas(): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of TOPIC_KEYS) {
    const topic = TOPIC_CATALOG[key];
    out[topic.name] = {
      ...z.toJSONSchema(topic.value, { io: "output", unrepresentable: "any" }),
      title: topic.name,
      description: topic.description,
    };
  }
  return out;
}

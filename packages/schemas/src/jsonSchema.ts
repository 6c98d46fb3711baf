import { z } from "zod";
import { TOPIC_CATALOG, TOPIC_KEYS } from "./topicCatalog";

/** The JSON Schema dialects the contract is published in: 2020-12 for the standalone files, draft-07 inside AsyncAPI documents. */
export type JsonSchemaDialect = "draft-2020-12" | "draft-07";

/**
 * A zod schema as JSON Schema of what a consumer reads (`io: "output"`); anything JSON Schema
 * cannot say (none in the catalog today) becomes "any value" instead of failing.
 */
export function jsonSchemaOf(schema: z.ZodType, dialect: JsonSchemaDialect): Record<string, unknown> {
  return z.toJSONSchema(schema, { io: "output", unrepresentable: "any", target: dialect }) as Record<string, unknown>;
}

/** JSON Schema (draft 2020-12) of every topic's message value, keyed by topic name (unprefixed): the contract analysts and other consumers read. */
export function topicJsonSchemas(): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of TOPIC_KEYS) {
    const topic = TOPIC_CATALOG[key];
    out[topic.name] = { ...jsonSchemaOf(topic.value, "draft-2020-12"), title: topic.name, description: topic.description };
  }
  return out;
}

/** `topicJsonSchemas()` as files: `<topic>.schema.json` -> its text, as `entrepot schemas export --out` writes them (and docs/schemas holds them). */
export function topicJsonSchemaFiles(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(topicJsonSchemas()).map(([topic, schema]) => [`${topic}.schema.json`, `${JSON.stringify(schema, null, 2)}\n`]),
  );
}

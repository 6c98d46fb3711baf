import type { TopicMessage } from "@entrepot/kafka";
import { rawPartitionKey } from "@entrepot/normalize";
import type { RawRecord } from "@entrepot/schemas";

/**
 * A raw record as the ingest publishes it: on its feed's raw topic, keyed by the natural key of the
 * fact it normalizes to (`rawPartitionKey`; `file:line` for a row without one), so every revision
 * of a fact lands on one partition in file order and the one normalizer reading it decides them in
 * that order, however many share the group.
 */
export function rawMessage(raw: RawRecord, headers: Record<string, string>): TopicMessage<"revenueRaw" | "customsRaw"> {
  return { topic: raw.feed === "revenue" ? "revenueRaw" : "customsRaw", key: rawPartitionKey(raw), value: raw, headers };
}

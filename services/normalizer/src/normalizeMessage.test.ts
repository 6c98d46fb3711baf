import type { IncomingMessage } from "@entrepot/kafka";
import { HEADERS, Rejection, topicName } from "@entrepot/schemas";
import { describe, expect, it } from "vitest";
import { normalizeMessage } from "./normalizer";

const prefix = "t.";
const message = (value: string | null): IncomingMessage => ({
  topic: topicName(prefix, "customsRaw"),
  partition: 2,
  offset: "41",
  key: "k",
  value,
  headers: {},
  timestamp: "0",
});

/** Messages that never were raw records: dead-lettered with a reason and Kafka Connect's context headers. */
describe("normalizeMessage on messages that are not raw records", () => {
  it.each([
    ["not JSON", "{oops", "bad_json"],
    ["empty", null, "bad_json"],
    ["JSON but not a raw record", '{"hello":1}', "schema_violation"],
    ["a raw record of an unknown feed", '{"schemaVersion":1,"feed":"sales","provenance":{},"fields":{}}', "schema_violation"],
  ])("%s -> %s", (_name, value, reason) => {
    const n = normalizeMessage(message(value));
    expect(n.kind).toBe("rejected");
    if (n.kind !== "rejected") return;
    expect(n.reason).toBe(reason);
    expect(n.out.topic).toBe("rejects");
    expect(n.out.headers).toMatchObject({
      [HEADERS.dlqTopic]: topicName(prefix, "customsRaw"),
      [HEADERS.dlqPartition]: "2",
      [HEADERS.dlqOffset]: "41",
      [HEADERS.dlqStage]: "normalize",
      [HEADERS.dlqReason]: reason,
    });
    const rejection = Rejection.parse(n.out.value);
    expect(rejection).toMatchObject({ stage: "normalize", reason });
    expect(rejection.message.length).toBeGreaterThan(0);
  });
});

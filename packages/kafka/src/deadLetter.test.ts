import { HEADERS, Rejection } from "@entrepot/schemas";
import { describe, expect, it } from "vitest";
import { deadLetter } from "./deadLetter";

describe("deadLetter", () => {
  it("routes to the rejects topic with Kafka Connect error context and the ingest run", () => {
    const rejection = Rejection.parse({
      schemaVersion: 1,
      stage: "normalize",
      reason: "bad_number",
      message: 'revenue "see note 4" is not a number',
      field: "revenue",
      raw: { revenue: "see note 4" },
      rejectedAt: "2026-11-28T00:00:00Z",
    });
    const out = deadLetter(
      {
        topic: "p.revenue.raw.v1",
        partition: 2,
        offset: "41",
        key: "f.csv:7",
        value: "{}",
        headers: { [HEADERS.ingestRun]: "run-1" },
        timestamp: "0",
      },
      rejection,
    );
    expect(out).toEqual({
      topic: "rejects",
      key: "f.csv:7",
      value: rejection,
      headers: {
        [HEADERS.schemaVersion]: "1",
        [HEADERS.dlqTopic]: "p.revenue.raw.v1",
        [HEADERS.dlqPartition]: "2",
        [HEADERS.dlqOffset]: "41",
        [HEADERS.dlqStage]: "normalize",
        [HEADERS.dlqErrorClass]: "bad_number",
        [HEADERS.dlqReason]: "bad_number",
        [HEADERS.ingestRun]: "run-1",
      },
    });
  });

  it("keys the dead letter of a row by the row's file and line, not by the message's key", () => {
    const rejection = Rejection.parse({
      schemaVersion: 1,
      stage: "normalize",
      reason: "bad_currency",
      message: 'currency "EUR" has no USD rate configured',
      raw: { currency: "EUR" },
      provenance: { source: "eur.csv", file: "eur.csv", line: 2, ingestRun: "run-1", format: "revenue-csv" },
      rejectedAt: "2026-11-28T00:00:00Z",
    });
    const source = { topic: "p.revenue.raw.v1", partition: 1, offset: "3", key: "ASML|FY2024-Q3|TW", value: "{}", headers: {}, timestamp: "0" };
    expect(deadLetter(source, rejection).key).toBe("eur.csv:2");
  });

  it("keys a keyless message by its position", () => {
    const rejection = Rejection.parse({ schemaVersion: 1, stage: "detect", reason: "bad_json", message: "x", raw: "x", rejectedAt: "t" });
    const out = deadLetter({ topic: "t", partition: 0, offset: "9", key: null, value: "x", headers: {}, timestamp: "0" }, rejection);
    expect(out.key).toBe("t:0:9");
    expect(out.headers?.[HEADERS.ingestRun]).toBeUndefined();
  });
});

import type { IncomingMessage } from "@entrepot/kafka";
import { REPLAY_OF_HEADER } from "@entrepot/kafka";
import { parseMapping } from "@entrepot/normalize";
import { HEADERS, RawRecord, type Rejection } from "@entrepot/schemas";
import { describe, expect, it } from "vitest";
import { applyFix, deadLetterOf, LatestItems, matchesFilter, replayPlan } from "./deadLetters";

const prefix = "p.";
const provenance = { source: "nvda.csv", file: "/data/nvda.csv", line: 7, ingestRun: "run-1", format: "revenue-csv" };
const rejection: Rejection = {
  schemaVersion: 1,
  stage: "normalize",
  reason: "unknown_region",
  message: 'region "Sngpr" is not a known country or reporting group',
  field: "region",
  raw: { company: "NVDA", fiscal_period: "FY2025-Q3", region: "Sngpr", revenue: "100" },
  provenance,
  rejectedAt: "2025-01-31T12:00:00.000Z",
};

function message(value: unknown, headers: Record<string, string> = {}, offset = "4"): IncomingMessage {
  return {
    topic: `${prefix}rejects.v1`,
    partition: 0,
    offset,
    key: "k",
    value: typeof value === "string" ? value : JSON.stringify(value),
    headers: { [HEADERS.dlqTopic]: `${prefix}revenue.raw.v1`, [HEADERS.dlqStage]: "normalize", ...headers },
    timestamp: String(Date.parse("2025-01-31T12:00:01Z")),
  };
}

const fix = parseMapping({ name: "fix", feed: "revenue", columns: { region: "region" }, values: { region: { Sngpr: "Singapore" } } });

describe("dead letters", () => {
  it("reads a rejection with its source, position and time; a value that is not one is 'unparsable'", () => {
    const d = deadLetterOf(message(rejection));
    expect(d).toMatchObject({
      id: `${prefix}rejects.v1:0:4`,
      at: "2025-01-31T12:00:01.000Z",
      stage: "normalize",
      reason: "unknown_region",
      file: "/data/nvda.csv",
      line: 7,
      sourceTopic: `${prefix}revenue.raw.v1`,
      replayOf: undefined,
    });
    expect(deadLetterOf(message("{not json"))).toMatchObject({ reason: "unparsable", rejection: null, stage: "normalize" });
  });

  it("filters by reason, time, file (path or name) and stage", () => {
    const d = deadLetterOf(message(rejection));
    expect(matchesFilter(d, {})).toBe(true);
    expect(matchesFilter(d, { reasons: ["bad_number", "unknown_region"] })).toBe(true);
    expect(matchesFilter(d, { reasons: ["bad_number"] })).toBe(false);
    expect(matchesFilter(d, { sinceMs: Date.parse("2025-01-31T12:00:01Z") })).toBe(true);
    expect(matchesFilter(d, { sinceMs: Date.parse("2025-01-31T12:00:02Z") })).toBe(false);
    expect(matchesFilter(d, { file: "nvda.csv" })).toBe(true);
    expect(matchesFilter(d, { file: "/data/nvda.csv" })).toBe(true);
    expect(matchesFilter(d, { file: "vda.csv" })).toBe(false);
    expect(matchesFilter(d, { stage: "ingest" })).toBe(false);
  });

  it("keeps only the latest items", () => {
    const latest = new LatestItems<number>(3);
    for (let i = 1; i <= 10; i++) latest.push(i);
    expect(latest.values).toEqual([8, 9, 10]);
  });

  it("applies a mapping's values and constants to canonical fields, for its feed only", () => {
    const fields = { region: "Sngpr", revenue: "1" };
    expect(applyFix(fields, "revenue", fix)).toEqual({ region: "Singapore", revenue: "1" });
    expect(applyFix(fields, "customs", fix)).toEqual(fields);
    expect(applyFix(fields, "revenue", undefined)).toEqual(fields);
    expect(applyFix({ region: " Sngpr " }, "revenue", fix)).toEqual({ region: "Singapore" });
  });

  it("re-submits a normalize-stage dead letter to its raw topic with its provenance and a replay-of header", () => {
    const plan = replayPlan(deadLetterOf(message(rejection)), prefix, { fix });
    expect(plan.ok).toBe(true);
    if (!plan.ok) return;
    expect(plan.message.topic).toBe(`${prefix}revenue.raw.v1`);
    // keyed as the ingest keys raw records: the fixed row's fact, on the partition of its other revisions
    expect(plan.message.key).toBe("NVDA|FY2025-Q3|SG");
    expect(plan.message.headers).toEqual({
      [HEADERS.schemaVersion]: "1",
      [HEADERS.ingestRun]: "run-1",
      [REPLAY_OF_HEADER]: `${prefix}rejects.v1:0:4`,
    });
    const raw = RawRecord.parse(plan.message.value);
    expect(raw).toEqual({ schemaVersion: 1, feed: "revenue", provenance, fields: { ...(rejection.raw as object), region: "Singapore" } });
    // a region the fix leaves a number names no region: no fact, so the row's file and line
    const unfixed = replayPlan(deadLetterOf(message({ ...rejection, raw: { ...(rejection.raw as object), region: "12345" } })), prefix, {
      fix,
    });
    expect(unfixed.ok && unfixed.message.key).toBe("/data/nvda.csv:7");
  });

  it("skips what holds no raw record or must not be replayed, saying why", () => {
    const why = (r: unknown, headers: Record<string, string> = {}, includeReplays = false) => {
      const plan = replayPlan(deadLetterOf(message(r, headers)), prefix, { includeReplays });
      return plan.ok ? "replayed" : plan.why;
    };
    expect(why({ ...rejection, stage: "ingest", reason: "csv_parse_error", raw: "a,b" })).toMatch(/^ingest-stage dead letter/);
    expect(why({ ...rejection, reason: "stale_revision" })).toMatch(/^stale revision/);
    expect(why(rejection, { [HEADERS.dlqTopic]: "other.revenue.raw.v1" })).toMatch(/^not from a raw topic under this prefix/);
    expect(why({ ...rejection, raw: "text" })).toMatch(/holds no raw record/);
    expect(why("{not json")).toBe("not a rejection");
    expect(why(rejection, { [REPLAY_OF_HEADER]: "p.rejects.v1:0:1" })).toMatch(/^dead letters of an earlier replay/);
    expect(why(rejection, { [REPLAY_OF_HEADER]: "p.rejects.v1:0:1" }, true)).toBe("replayed");
    expect(why({ ...rejection, provenance: undefined })).toMatch(/holds no raw record/);
  });
});

import { describe, expect, it } from "vitest";
import { topicJsonSchemas } from "./jsonSchema";
import { TOPIC_CATALOG, TOPIC_KEYS } from "./topicCatalog";

describe("topicJsonSchemas", () => {
  const schemas = topicJsonSchemas() as Record<string, { type?: string; required?: string[]; properties?: Record<string, unknown> }>;

  it("describes every topic's messages, shares.v1 included", () => {
    expect(Object.keys(schemas).sort()).toEqual(
      ["alerts.v1", "customs.clean.v1", "customs.raw.v1", "rejects.v1", "revenue.clean.v1", "revenue.raw.v1", "shares.v1"].sort(),
    );
    expect(Object.keys(schemas).sort()).toEqual(TOPIC_KEYS.map((k) => TOPIC_CATALOG[k].name).sort());
    for (const s of Object.values(schemas)) expect(s.type).toBe("object");
  });

  it("states what a clean revenue record and an alert must carry", () => {
    expect(schemas["revenue.clean.v1"]?.required).toEqual(
      expect.arrayContaining(["company", "fiscalPeriod", "region", "revenueUsd", "basis", "asOf", "provenance"]),
    );
    expect(schemas["alerts.v1"]?.required).toEqual(
      expect.arrayContaining(["alertId", "rule", "severity", "region", "period", "summary", "revision"]),
    );
    expect(schemas["rejects.v1"]?.required).toEqual(expect.arrayContaining(["stage", "reason", "message"]));
    expect(schemas["shares.v1"]?.required).toEqual(expect.arrayContaining(["entity", "period", "total", "parts"]));
  });
});

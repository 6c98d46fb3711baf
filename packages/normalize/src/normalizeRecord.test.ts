import { TOPIC_CATALOG } from "@entrepot/schemas";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { normalizeRecord } from "./normalizeRecord";
import { rawRecord } from "./testRaw";

const FORMATS = ["customs-csv", "comtrade", "comtrade-legacy", "census-json", "revenue-csv"];
const KEYS = [
  "company",
  "fiscal_period",
  "region",
  "revenue",
  "scale",
  "currency",
  "basis",
  "reported_at",
  "period_end",
  "reporter",
  "partner",
  "partner2",
  "flow",
  "hs_code",
  "period",
  "value",
  "quantity",
  "net_weight_kg",
  "reportercode",
  "partnercode",
  "partner2code",
  "flowcode",
  "cmdcode",
  "primaryvalue",
  "cifvalue",
  "fobvalue",
  "refyear",
  "refmonth",
  "qty",
  "netwgt",
  "trade flow code",
  "reporter code",
  "partner code",
  "commodity code",
  "trade value (us$)",
  "cty_code",
  "cty_name",
  "all_val_mo",
  "gen_val_mo",
  "time",
];
const cell = fc.oneof(
  fc.string(),
  fc.constantFrom(
    "",
    "-",
    "n/a",
    "(1,234)",
    "1,234.5",
    "842",
    "490",
    "0",
    "SG",
    "Korea, Rep.",
    "X",
    "M",
    "RX",
    "854231",
    "2024-07",
    "202413",
    "FY2025-Q3",
    "1e309",
    "NaN",
    "\u0000",
    "﻿",
  ),
);

describe("normalizeRecord (property)", () => {
  it("never throws and always returns a valid clean record or a problem with a reason", () => {
    fc.assert(
      fc.property(
        fc.constantFrom("revenue", "customs"),
        fc.constantFrom(...FORMATS),
        fc.dictionary(fc.constantFrom(...KEYS), cell),
        (feed, format, fields) => {
          const r = normalizeRecord(rawRecord(feed as "revenue" | "customs", format, fields));
          if (r.ok) {
            expect(r.record.feed).toBe(feed);
            // what the normalizer publishes without the writer checking it again (`valueChecked`)
            const topic = r.record.feed === "revenue" ? TOPIC_CATALOG.revenueClean : TOPIC_CATALOG.customsClean;
            expect(topic.value.safeParse(r.record.record).success).toBe(true);
          } else expect(r.problem.reason).toMatch(/^[a-z_]+$/);
        },
      ),
      { numRuns: 3000 },
    );
  });
});

import { customsCleanKey, revenueCleanKey } from "./clean";
import { HEADERS } from "./headers";
import { type ProducerKeyedTopic, TOPIC_CATALOG, type TopicContract, type TopicKey, type TopicValue } from "./topicCatalog";

/** One example message of a topic: headers and value as a producer writes them (the key follows from the value, or is the producer's: `exampleKey`). */
export interface TopicExample<K extends TopicKey> {
  name: string;
  summary: string;
  headers: Record<string, string>;
  payload: TopicValue<K>;
}

/**
 * Real records, one per topic, of one offline run (`@entrepot/offline`: readFeed, the
 * NormalizeStage, detectCompany / detectCustoms) over the sample files
 * `services/cli/samples/nvda-revenue.csv` and `services/cli/samples/sg-hub-customs.csv`: the
 * Singapore row of NVDA's FY2025-Q3, the malformed row of line 42, the first customs row, and
 * what the detector made of them. Only the run-specific values are fixed for the document: the
 * ingest run id, the timestamps (`rejectedAt`, `detectedAt`) and the dead letter's source
 * partition and offset. `asyncapi.test.ts` parses each
 * with its topic's zod schema and headers schema.
 */
const INGEST_RUN = "0b6f1d52-3c8e-4f0a-9d51-7e2a4c1b9f30";
const NVDA_SOURCE = "synthetic (shares modelled on 10-K/10-Q regional disclosure)";
const v1 = { [HEADERS.schemaVersion]: "1" };
const ofRun = { ...v1, [HEADERS.ingestRun]: INGEST_RUN };
const nvdaLine53 = { source: "nvda-revenue.csv", file: "nvda-revenue.csv", line: 53, ingestRun: INGEST_RUN, format: "revenue-csv" };
const customsLine2 = { source: "sg-hub-customs.csv", file: "sg-hub-customs.csv", line: 2, ingestRun: INGEST_RUN, format: "customs-csv" };
const NVDA_FY2025_Q3 = ["GROUP:CN+HK", "GROUP:OTHER", "SG", "TW", "US"].map((r) => `NVDA|FY2025-Q3|${r}`);

export const TOPIC_EXAMPLES: { [K in TopicKey]: TopicExample<K> } = {
  revenueRaw: {
    name: "nvda-fy2025-q3-singapore",
    summary: "NVDA's FY2025-Q3 revenue billed to Singapore, as the CSV row reads (line 53 of nvda-revenue.csv)",
    headers: ofRun,
    payload: {
      schemaVersion: 1,
      feed: "revenue",
      provenance: nvdaLine53,
      fields: {
        company: "NVDA",
        fiscal_period: "FY2025-Q3",
        region: "Singapore",
        revenue: "7,718.0",
        scale: "millions",
        basis: "billing",
        source: NVDA_SOURCE,
        reported_at: "2025-02-26",
      },
    },
  },
  customsRaw: {
    name: "sg-imports-854231-from-tw-2023-01",
    summary: "Singapore's imports of HS 854231 from Taiwan in 2023-01, as the CSV row reads (line 2 of sg-hub-customs.csv)",
    headers: ofRun,
    payload: {
      schemaVersion: 1,
      feed: "customs",
      provenance: customsLine2,
      fields: {
        reporter: "SG",
        partner: "TW",
        flow: "import",
        hs_code: "854231",
        period: "2023-01",
        value: "100000000",
        reported_at: "2025-03-01",
      },
    },
  },
  revenueClean: {
    name: "nvda-fy2025-q3-singapore",
    summary: "the same row normalized: USD, canonical region, fiscal period and its calendar dates",
    headers: ofRun,
    payload: {
      schemaVersion: 1,
      company: "NVDA",
      fiscalPeriod: "FY2025-Q3",
      fiscalYear: 2025,
      fiscalQuarter: 3,
      regionLabel: "Singapore",
      region: "SG",
      regionName: "Singapore",
      revenueUsd: 7_718_000_000,
      basis: "billing",
      asOf: "2025-02-26",
      provenance: { ...nvdaLine53, source: NVDA_SOURCE },
      periodStart: "2024-07-29",
      periodEnd: "2024-10-27",
    },
  },
  customsClean: {
    name: "sg-imports-854231-from-tw-2023-01",
    summary: "the same customs row normalized: ISO codes, HS code and HS6, flow, monthly period, USD",
    headers: ofRun,
    payload: {
      schemaVersion: 1,
      classification: "HS",
      reporter: "SG",
      reporterName: "Singapore",
      partner: "TW",
      partnerName: "Taiwan",
      flow: "import",
      hsCode: "854231",
      hs6: "854231",
      period: "2023-01",
      frequency: "M",
      valueUsd: 100_000_000,
      flags: [],
      asOf: "2025-03-01",
      provenance: customsLine2,
    },
  },
  rejects: {
    name: "bad-number-line-42",
    summary: "the malformed row of nvda-revenue.csv, dead-lettered by the normalizer with Kafka Connect's error context",
    headers: {
      ...ofRun,
      [HEADERS.dlqTopic]: "revenue.raw.v1",
      [HEADERS.dlqPartition]: "1",
      [HEADERS.dlqOffset]: "13",
      [HEADERS.dlqStage]: "normalize",
      [HEADERS.dlqErrorClass]: "bad_number",
      [HEADERS.dlqReason]: "bad_number",
    },
    payload: {
      schemaVersion: 1,
      stage: "normalize",
      reason: "bad_number",
      message: 'revenue "see note 4" is not a number',
      field: "revenue",
      raw: {
        company: "NVDA",
        fiscal_period: "FY2024-Q4",
        region: "Europe",
        revenue: "see note 4",
        scale: "millions",
        basis: "billing",
        source: "synthetic malformed row",
        reported_at: "2024-02-21",
      },
      provenance: { source: "nvda-revenue.csv", file: "nvda-revenue.csv", line: 42, ingestRun: INGEST_RUN, format: "revenue-csv" },
      rejectedAt: "2025-11-20T21:29:58.412Z",
    },
  },
  shares: {
    name: "nvda-fy2025-q3",
    summary: "NVDA's FY2025-Q3 revenue by billing region: amount, share, and share change against the previous quarter and a year earlier",
    headers: v1,
    payload: {
      schemaVersion: 1,
      entity: { company: "NVDA" },
      period: "FY2025-Q3",
      total: 35_082_000_000,
      parts: [
        {
          region: "US",
          name: "United States",
          amount: 11_577_100_000,
          share: 0.3300011401858503,
          changePrev: -0.019998859814149672,
          changeYoy: 0.0000011401858502901874,
        },
        {
          region: "SG",
          name: "Singapore",
          amount: 7_718_000_000,
          share: 0.2199988598141497,
          changePrev: 0.03999885981414972,
          changeYoy: 0.0899988598141497,
        },
        {
          region: "TW",
          name: "Taiwan",
          amount: 5_963_900_000,
          share: 0.1699988598141497,
          changePrev: -0.010001140185850299,
          changeYoy: -0.0400011401858503,
        },
        {
          region: "GROUP:CN+HK",
          name: "China (including Hong Kong)",
          amount: 4_911_500_000,
          share: 0.14000057009292516,
          changePrev: -0.009999429907074836,
          changeYoy: -0.039999429907074835,
        },
        {
          region: "GROUP:OTHER",
          name: "Other countries",
          amount: 4_911_500_000,
          share: 0.14000057009292516,
          changePrev: 5.700929251450937e-7,
          changeYoy: -0.009999429907074836,
        },
      ],
      evidence: NVDA_FY2025_Q3,
      hhi: 0.2254001824342861,
    },
  },
  alerts: {
    name: "share-shift-yoy-nvda-sg-fy2025-q3",
    summary: "Singapore's share of NVDA revenue up from 13.0% to 22.0% year on year",
    headers: v1,
    payload: {
      schemaVersion: 1,
      alertId: "share_shift_yoy|NVDA|SG|FY2025-Q3",
      rule: "share_shift_yoy",
      kind: "anomaly",
      status: "fired",
      severity: "warning",
      entity: { company: "NVDA" },
      region: "SG",
      regionName: "Singapore",
      period: "FY2025-Q3",
      baselinePeriod: "FY2024-Q3",
      observed: 0.2199988598141497,
      baseline: 0.13,
      score: 4.09,
      threshold: 3,
      summary:
        "Singapore's share of NVDA revenue rose to 22.0% in FY2025-Q3 from 13.0% in FY2024-Q3 (+9.0 pp: Singapore revenue x3.3, total x1.9); robust z = 4.1 against the previous 6 year-on-year changes; revenue by customer billing location. It was 9.0% in FY2023-Q3.",
      basis: "revenue by customer billing location",
      evidence: [...["GROUP:CN+HK", "GROUP:OTHER", "SG", "TW", "US"].map((r) => `NVDA|FY2024-Q3|${r}`), ...NVDA_FY2025_Q3],
      revision: 1,
      detectedAt: "2025-11-20T21:30:00.000Z",
    },
  },
};

/**
 * The message key of the examples whose producer gives it (`ProducerKeyedTopic`): a raw row is keyed
 * by the natural key of the clean fact it becomes, here the clean examples' (the same rows).
 * packages/offline's asyncapiExamples.test.ts checks them against `rawPartitionKey`.
 */
export const PRODUCER_KEY_EXAMPLES: Record<ProducerKeyedTopic, string> = {
  revenueRaw: revenueCleanKey(TOPIC_EXAMPLES.revenueClean.payload),
  customsRaw: customsCleanKey(TOPIC_EXAMPLES.customsClean.payload),
};

/** The key of a topic's example message: the producer's for the raw topics, else the catalog's derivation from the value. */
export function exampleKey(key: TopicKey): string {
  if (key in PRODUCER_KEY_EXAMPLES) return PRODUCER_KEY_EXAMPLES[key as ProducerKeyedTopic];
  return (TOPIC_CATALOG[key] as TopicContract).key(TOPIC_EXAMPLES[key].payload);
}

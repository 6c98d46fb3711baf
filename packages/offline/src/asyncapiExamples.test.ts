import { join } from "node:path";
import { rawRecordOf, readFeed } from "@entrepot/feeds";
import { MemoryRevisionStore, NormalizeStage, rawPartitionKey } from "@entrepot/normalize";
import { PRODUCER_KEY_EXAMPLES, type RawRecord, TOPIC_EXAMPLES } from "@entrepot/schemas";
import { describe, expect, it } from "vitest";
import { analyzeFiles } from "./analyzeFiles";
import { type RowOutcome, stageFile } from "./stageFile";

/**
 * docs/asyncapi.yaml shows one real message per topic (`TOPIC_EXAMPLES` in packages/schemas):
 * these tests keep them what the pipeline's own code makes of the sample files today.
 */
const samples = join(import.meta.dirname, "../../../services/cli/samples");
const NVDA = join(samples, "nvda-revenue.csv");
const CUSTOMS = join(samples, "sg-hub-customs.csv");
const RUN = TOPIC_EXAMPLES.revenueRaw.payload.provenance.ingestRun;
const STALE =
  "packages/schemas/src/asyncapiExamples.ts no longer matches what the pipeline makes of the samples: update the example, " +
  "then run `pnpm entrepot schemas asyncapi --out docs/asyncapi.yaml`";

async function rawRecordAt(file: string, name: string, line: number): Promise<RawRecord | undefined> {
  for await (const row of readFeed(file, {}))
    if (row.kind === "record" && row.line === line) return rawRecordOf(row, { source: name, file: name, ingestRun: RUN });
  return undefined;
}

async function stagedAt(file: string, line: number): Promise<RowOutcome | undefined> {
  const stage = new NormalizeStage({ revisions: new MemoryRevisionStore() });
  for await (const row of stageFile(file, stage, { ingestRun: RUN })) if (row.line === line) return row;
  return undefined;
}

describe("the AsyncAPI examples are real records of the sample files", () => {
  it("raw records: the rows as the ingestor reads them", async () => {
    for (const [file, example] of [
      [NVDA, TOPIC_EXAMPLES.revenueRaw.payload],
      [CUSTOMS, TOPIC_EXAMPLES.customsRaw.payload],
    ] as const) {
      expect(await rawRecordAt(file, example.provenance.file, example.provenance.line), STALE).toEqual(example);
    }
  });

  it("raw records' keys: the ingest's (rawPartitionKey), the key of the clean fact each row becomes", () => {
    expect(rawPartitionKey(TOPIC_EXAMPLES.revenueRaw.payload), STALE).toBe(PRODUCER_KEY_EXAMPLES.revenueRaw);
    expect(rawPartitionKey(TOPIC_EXAMPLES.customsRaw.payload), STALE).toBe(PRODUCER_KEY_EXAMPLES.customsRaw);
    expect(PRODUCER_KEY_EXAMPLES).toEqual({ revenueRaw: "NVDA|FY2025-Q3|SG", customsRaw: "SG|TW|import|854231|2023-01|-|-|-|HS" });
  });

  it("clean facts and the dead letter: what the normalize stage makes of those rows", async () => {
    const revenue = TOPIC_EXAMPLES.revenueClean.payload;
    const customs = TOPIC_EXAMPLES.customsClean.payload;
    const rejection = TOPIC_EXAMPLES.rejects.payload;
    const clean = (row: RowOutcome | undefined) => (row?.outcome === "clean" ? row.fact.record : row);
    expect(clean(await stagedAt(NVDA, revenue.provenance.line)), STALE).toEqual(revenue);
    expect(clean(await stagedAt(CUSTOMS, customs.provenance.line)), STALE).toEqual(customs);
    const rejected = await stagedAt(NVDA, rejection.provenance?.line ?? 0);
    expect(rejected?.outcome === "rejected" ? { ...rejected.rejection, rejectedAt: rejection.rejectedAt } : rejected, STALE).toEqual(
      rejection,
    );
  });

  it("the composition and the alert: what detection makes of both samples", async () => {
    const composition = TOPIC_EXAMPLES.shares.payload;
    const alert = TOPIC_EXAMPLES.alerts.payload;
    const result = await analyzeFiles({ files: [NVDA, CUSTOMS], now: alert.detectedAt });
    const shares = result.compositions.filter((c) => c.entity.company === composition.entity.company && c.period === composition.period);
    expect(shares, STALE).toEqual([composition]);
    expect(
      result.alerts.find((a) => a.alertId === alert.alertId),
      STALE,
    ).toEqual(alert);
  });
});

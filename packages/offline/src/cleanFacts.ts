import { rawRecordOf, readFeed } from "@entrepot/feeds";
import { normalizeRecord } from "@entrepot/normalize";
import type { CustomsClean, RevenueClean } from "@entrepot/schemas";

/**
 * The clean facts of a feed file, read and normalized the way the pipeline does (readFeed,
 * normalizeRecord), without the revision gate: what tests publish to the clean topics or check
 * alerts against. Rejected rows are left out.
 */
export async function cleanFactsOf(file: string, source = "test"): Promise<{ revenue: RevenueClean[]; customs: CustomsClean[] }> {
  const revenue: RevenueClean[] = [];
  const customs: CustomsClean[] = [];
  for await (const row of readFeed(file)) {
    if (row.kind !== "record") continue;
    const r = normalizeRecord(rawRecordOf(row, { source, file: source, ingestRun: source }));
    if (!r.ok) continue;
    if (r.record.feed === "revenue") revenue.push(r.record.record);
    else customs.push(r.record.record);
  }
  return { revenue, customs };
}

import { readFeed } from "@entrepot/ingestor";
import { normalizeRecord } from "@entrepot/normalize";
import type { CustomsClean, RevenueClean } from "@entrepot/schemas";

/**
 * The clean facts of a feed file, read and normalized the way the pipeline does (ingestor's
 * readFeed, normalizeRecord), without the revision gate: what tests publish to the clean topics or
 * check alerts against. Rejected rows are left out.
 */
export async function cleanFactsOf(file: string, source = "test"): Promise<{ revenue: RevenueClean[]; customs: CustomsClean[] }> {
  const revenue: RevenueClean[] = [];
  const customs: CustomsClean[] = [];
  for await (const row of readFeed(file)) {
    if (row.kind !== "record") continue;
    const r = normalizeRecord({
      schemaVersion: 1,
      feed: row.feed,
      provenance: { source, file: source, line: row.line, ingestRun: source, format: row.format },
      fields: row.fields,
    });
    if (!r.ok) continue;
    if (r.record.feed === "revenue") revenue.push(r.record.record);
    else customs.push(r.record.record);
  }
  return { revenue, customs };
}

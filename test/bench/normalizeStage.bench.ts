import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { rawRecordOf, readFeed } from "@entrepot/feeds";
import { decodeRawRecord, MemoryRevisionStore, NormalizeStage } from "@entrepot/normalize";
import { writeCustoms } from "./customsFile";
import type { BenchResult } from "./run";

const ROWS = Number(process.env.BENCH_STAGE_ROWS ?? 300_000);
/** records per `process()` call: about what one consumed batch holds */
const BATCH = 2000;

/**
 * The normalize stage alone, no Kafka or Redis: raw JSON texts (as the ingest publishes them) ->
 * decode -> normalize -> revision decisions, in batches, one thread. The CPU the stage itself costs
 * per record; the throughput bench says what the whole service adds around it.
 */
export default async function run(): Promise<BenchResult> {
  const tmp = mkdtempSync(join(tmpdir(), "entrepot-bench-stage-"));
  try {
    const file = join(tmp, "customs.csv");
    await writeCustoms(file, { rows: ROWS });
    const origin = { source: "customs.csv", file: "customs.csv", ingestRun: "bench" };
    const texts: string[] = [];
    for await (const row of readFeed(file, { feed: "customs" }))
      if (row.kind === "record") texts.push(JSON.stringify(rawRecordOf(row, origin)));
    // twice: the second pass meets every key again (duplicates), as a replay or a re-sent file does
    const passes: { label: string; seconds: number; cpuMs: number; outcomes: Record<string, number> }[] = [];
    const stage = new NormalizeStage({ revisions: new MemoryRevisionStore() });
    for (const label of ["first pass (new keys)", "second pass (duplicates)"]) {
      const outcomes: Record<string, number> = {};
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      for (let i = 0; i < texts.length; i += BATCH) {
        const results = await stage.process(texts.slice(i, i + BATCH).map(decodeRawRecord));
        await stage.commit();
        for (const r of results) outcomes[r.outcome] = (outcomes[r.outcome] ?? 0) + 1;
      }
      const cpu = process.cpuUsage(cpu0);
      passes.push({ label, seconds: (performance.now() - t0) / 1000, cpuMs: (cpu.user + cpu.system) / 1000, outcomes });
    }
    const figures: Record<string, number | string> = { "raw records": texts.length };
    for (const p of passes) {
      figures[`${p.label}: records/s`] = Math.round(texts.length / p.seconds);
      figures[`${p.label}: CPU ms per 1000 records`] = Number(((1000 * p.cpuMs) / texts.length).toFixed(1));
      figures[`${p.label}: outcomes`] = Object.entries(p.outcomes)
        .map(([k, n]) => `${k} ${n}`)
        .join(", ");
    }
    return {
      name: "Normalize stage alone, no Kafka or Redis (normalizeStage.bench.ts)",
      figures,
      notes: `BENCH_STAGE_ROWS=${ROWS}, batches of ${BATCH}, revisions in memory. What the normalizer service spends on its own logic per record; decoding Kafka messages, producing and Redis come on top.`,
    };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

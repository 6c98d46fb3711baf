import { createReadStream } from "node:fs";
import { basename } from "node:path";
import { createInterface } from "node:readline";
import {
  basisTextOf,
  customsCompositions,
  DEFAULT_RULES,
  detectCompany,
  detectCustoms,
  money,
  type NotJudged,
  notJudged,
  pct,
  type RulesConfig,
  reconcileAlerts,
  revenueCompositions,
  seriesKey,
  type TotalsCoverage,
  totalsCoverage,
} from "@entrepot/detect";
import { MemoryRevisionStore, type NormalizeOptions, NormalizeStage } from "@entrepot/normalize";
import type { Alert, Composition, CustomsClean, RevenueClean } from "@entrepot/schemas";
import { cleanDumpKind, parseCleanLine } from "./cleanDump";
import { type StageFileOptions, stageFile } from "./stageFile";

export interface AnalyzeOptions {
  files: readonly string[];
  rules?: RulesConfig;
  /** FX rates, the default basis and the other normalization options, as the normalizer service takes them */
  normalize?: NormalizeOptions;
  /** how feed files are read (`entrepot normalize` / `ingest` take the same): the feed, a layout instead of detection, a column mapping */
  reading?: Omit<StageFileOptions, "ingestRun">;
  /** `detectedAt` of the alerts (default: now) */
  now?: string;
}

export interface AnalyzeProblem {
  file: string;
  line: number;
  reason: string;
  message: string;
}

/** One file's reconciliation: read = clean + rejected + duplicates; and how its regions cover the totals it reports. */
export interface FileSummary {
  type: "summary";
  file: string;
  read: number;
  clean: number;
  rejected: number;
  duplicates: number;
  byReason: Record<string, number>;
  /** revenue compositions of this file alone against their reported totals */
  coverage: TotalsCoverage;
}

export interface AnalyzeResult {
  read: number;
  clean: number;
  /** of the clean records, customs facts */
  customs: number;
  /** records identical to one read before (dropped by the normalize stage, as the pipeline does) */
  duplicates: number;
  problems: AnalyzeProblem[];
  /** one per file, in the order given */
  files: FileSummary[];
  compositions: Composition[];
  /** a reporter's exports by partner and imports by origin of the watched goods, as the detector publishes them */
  customsCompositions: Composition[];
  /** per company, basis and region: periods no rule could judge, and what they would need */
  notJudged: NotJudged[];
  alerts: Alert[];
}

/**
 * The embedded mode: normalize + detect over files in one process, no Kafka, no Redis. The same
 * code as the streaming pipeline (readFeed, the NormalizeStage with its revisions, detectCompany,
 * detectCustoms, reconcileAlerts), so the same input gives the same alerts. A file is either a
 * feed file any ingestor layout reads (revenue or customs CSV, Comtrade, JSON lines...) or a
 * JSON-lines dump of clean records (`*.jsonl` / `*.ndjson` whose first line is a RevenueClean or a
 * CustomsClean, bare or in the `{"feed","key","value"}` envelope `entrepot normalize --out` writes).
 */
export async function analyzeFiles(options: AnalyzeOptions): Promise<AnalyzeResult> {
  const rules = options.rules ?? DEFAULT_RULES;
  const records: RevenueClean[] = [];
  const customs: CustomsClean[] = [];
  const problems: AnalyzeProblem[] = [];
  const stage = new NormalizeStage({ revisions: new MemoryRevisionStore(), normalize: options.normalize });
  const files: FileSummary[] = [];
  let read = 0;
  let duplicates = 0;
  for (const file of options.files) {
    const name = basename(file);
    const before = { read, duplicates, records: records.length, customs: customs.length, problems: problems.length };
    const dump = /\.(jsonl|ndjson)$/i.test(file) ? await cleanDumpKind(file) : undefined;
    if (dump) {
      let line = 0;
      for await (const text of createInterface({ input: createReadStream(file), crlfDelay: Number.POSITIVE_INFINITY })) {
        line++;
        if (!text.trim()) continue;
        read++;
        const parsed = parseCleanLine(text, dump);
        if (!parsed.ok) problems.push({ file: name, line, reason: "schema_violation", message: parsed.message });
        else if (parsed.feed === "revenue") records.push(parsed.record);
        else customs.push(parsed.record);
      }
      files.push(fileSummary(name, before, { read, duplicates, records, customs, problems }, rules));
      continue;
    }
    for await (const row of stageFile(file, stage, { ...options.reading, ingestRun: "analyze" })) {
      read++;
      if (row.outcome === "duplicate") duplicates++;
      else if (row.outcome === "rejected")
        problems.push({ file: name, line: row.line, reason: row.reason, message: row.rejection.message });
      else if (row.fact.feed === "revenue") records.push(row.fact.record);
      else customs.push(row.fact.record);
    }
    files.push(fileSummary(name, before, { read, duplicates, records, customs, problems }, rules));
  }
  const { compositions, drafts } = detectCompany(records, customs, rules);
  const all = [...drafts, ...detectCustoms(customs, rules)].sort((a, b) => a.alertId.localeCompare(b.alertId));
  const alerts = reconcileAlerts(new Map(), all, options.now ?? new Date().toISOString());
  const { hsPrefixes, group } = rules.reexportSurge;
  return {
    read,
    clean: records.length + customs.length,
    customs: customs.length,
    duplicates,
    problems,
    files,
    compositions,
    customsCompositions: (["export", "import"] as const).flatMap((flow) => customsCompositions(customs, { hsPrefixes, flow, group })),
    notJudged: notJudged(compositions, rules),
    alerts,
  };
}

interface Tally {
  read: number;
  duplicates: number;
  records: readonly RevenueClean[];
  customs: readonly CustomsClean[];
  problems: readonly AnalyzeProblem[];
}

/** What one file added to the running tally (`before` = the counts when it began). */
function fileSummary(
  file: string,
  before: { read: number; duplicates: number; records: number; customs: number; problems: number },
  now: Tally,
  rules: RulesConfig,
): FileSummary {
  const rejected = now.problems.slice(before.problems);
  const byReason: Record<string, number> = {};
  for (const p of rejected) byReason[p.reason] = (byReason[p.reason] ?? 0) + 1;
  const own = revenueCompositions(now.records.slice(before.records), rules.compositions);
  return {
    type: "summary",
    file,
    read: now.read - before.read,
    clean: now.records.length - before.records + now.customs.length - before.customs,
    rejected: rejected.length,
    duplicates: now.duplicates - before.duplicates,
    byReason,
    coverage: totalsCoverage(own, rules.compositions.totalTolerance),
  };
}

/** "file.csv: read 86, clean 86, rejected 0; 18 periods, 18 with a reported total, 17 add up (FY2025-Q2: regions 87.6% of $30.0bn)" */
function summaryLine(f: FileSummary): string {
  const reasons = Object.entries(f.byReason)
    .map(([r, n]) => `${r} ${n}`)
    .join(", ");
  const c = f.coverage;
  const gaps = c.gaps.map(
    (g) => `${g.period}${g.basis === "billing" ? "" : ` ${g.basis}`}: regions ${pct(g.coverage)} of ${money(g.totalUsd)}`,
  );
  const coverage = c.periods
    ? `; ${c.periods} periods, ${c.withTotal} with a reported total, ${c.matched} add up to it${gaps.length ? ` (${gaps.join("; ")})` : ""}`
    : "";
  const dups = f.duplicates ? `, duplicates ${f.duplicates}` : "";
  return `${f.file}: read ${f.read}, clean ${f.clean}, rejected ${f.rejected}${reasons ? ` (${reasons})` : ""}${dups}${coverage}`;
}

/**
 * Exit codes of `entrepot analyze`: the CLI's table (services/cli/src/exitCodes.ts, checked equal by
 * services/cli/src/analyze.test.ts): 4 when nothing usable came out of a file.
 */
export const ANALYZE_EXIT = {
  ok: 0,
  /** nothing was read at all (empty files) */
  nothingRead: 4,
  /** a file was read but yielded no usable (clean) row: every row was rejected */
  noUsableRow: 4,
} as const;

/** 4 when nothing was read or some file yielded no usable row, else 0. */
export function analyzeExitCode(result: Pick<AnalyzeResult, "read" | "files">): number {
  if (result.read === 0) return ANALYZE_EXIT.nothingRead;
  return result.files.some((f) => f.clean === 0 && f.duplicates === 0) ? ANALYZE_EXIT.noUsableRow : ANALYZE_EXIT.ok;
}

/** Human output: per file its counts and coverage, a share table per series (periods down, regions across), what was not judged, then the alerts. */
export function formatAnalysis(result: AnalyzeResult, rules: RulesConfig = DEFAULT_RULES): string {
  const lines: string[] = [
    `read ${result.read}: clean ${result.clean}${result.customs ? ` (customs ${result.customs})` : ""}, rejected ${result.problems.length}` +
      (result.duplicates ? `, duplicates ${result.duplicates}` : ""),
  ];
  for (const f of result.files) {
    lines.push(`  ${summaryLine(f)}`);
    if (f.read > 0 && f.clean === 0 && f.duplicates === 0)
      lines.push(`  ${f.file} yielded no usable row: nothing in it was judged (exit ${ANALYZE_EXIT.noUsableRow})`);
  }
  for (const p of result.problems) lines.push(`  rejected ${p.file}:${p.line} ${p.reason}: ${p.message}`);
  const series = new Map<string, Composition[]>();
  for (const c of result.compositions) series.set(seriesKey(c), [...(series.get(seriesKey(c)) ?? []), c]);
  for (const [key, comps] of series) {
    const regions = [...new Map(comps.flatMap((c) => c.parts.map((p) => [p.region, p.name] as const))).entries()];
    const width = Math.max(...regions.map(([, n]) => Math.min(n.length, 16)), 7);
    const totals = comps.some((c) => c.reportedTotal !== undefined);
    lines.push(
      "",
      `shares of ${key} (${comps[0] ? basisTextOf(comps[0], rules.basis) : rules.basis}${totals ? ", over the reported total" : ""})`,
    );
    lines.push(
      [
        "period".padEnd(10),
        ...regions.map(([, n]) => n.slice(0, 16).padStart(width)),
        "HHI".padStart(6),
        ...(totals ? ["total".padStart(9)] : []),
      ].join(" "),
    );
    for (const c of comps) {
      const cells = regions.map(([r]) => {
        const part = c.parts.find((p) => p.region === r);
        return (part ? pct(part.share) : "-").padStart(width);
      });
      const total = totals ? [money(c.total).padStart(9)] : [];
      lines.push([c.period.padEnd(10), ...cells, (c.hhi ?? 0).toFixed(3).padStart(6), ...total].join(" "));
    }
  }
  if (result.notJudged.length) lines.push("");
  for (const n of result.notJudged) {
    const basis = n.basis === "billing" ? "" : ` (${n.basis})`;
    lines.push(
      `not judged: ${n.entity.company ?? Object.values(n.entity).join("/")} ${n.regionName}${basis}: ${n.periods.length} ${n.periods.length === 1 ? "period" : "periods"} (${span(n.periods)}), needs ${n.needs}`,
    );
  }
  lines.push("", result.alerts.length ? `${result.alerts.length} alert(s):` : "no alerts");
  for (const a of result.alerts)
    lines.push(`  [${a.severity}] ${a.rule} ${a.alertId}${a.status === "resolved" ? " (resolved)" : ""}`, `    ${a.summary}`);
  return lines.join("\n");
}

const span = (periods: readonly string[]) => (periods.length > 1 ? `${periods[0]}..${periods[periods.length - 1]}` : (periods[0] ?? ""));

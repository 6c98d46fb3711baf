import { createReadStream } from "node:fs";
import { basename } from "node:path";
import { createInterface } from "node:readline";
import {
  customsCompositions,
  DEFAULT_RULES,
  detectCompany,
  detectCustoms,
  entityKey,
  pct,
  type RulesConfig,
  reconcileAlerts,
} from "@entrepot/detect";
import { readFeed } from "@entrepot/ingestor";
import { normalizeRecord } from "@entrepot/normalize";
import { type Alert, type Composition, CustomsClean, type RawRecord, RevenueClean } from "@entrepot/schemas";

export interface AnalyzeOptions {
  files: readonly string[];
  rules?: RulesConfig;
  /** `detectedAt` of the alerts (default: now) */
  now?: string;
}

export interface AnalyzeProblem {
  file: string;
  line: number;
  reason: string;
  message: string;
}

export interface AnalyzeResult {
  read: number;
  clean: number;
  /** of the clean records, customs facts */
  customs: number;
  problems: AnalyzeProblem[];
  compositions: Composition[];
  /** a reporter's exports by partner and imports by origin of the watched goods, as the detector publishes them */
  customsCompositions: Composition[];
  alerts: Alert[];
}

/**
 * The embedded mode: normalize + detect over files in one process, no Kafka, no Redis. The same
 * functions as the streaming pipeline (normalizeRecord, detectCompany, detectCustoms,
 * reconcileAlerts), so the same input gives the same alerts. A file is either a feed file any
 * ingestor layout reads (revenue or customs CSV, Comtrade, JSON lines...) or a JSON-lines dump of
 * clean records (`*.jsonl` whose first line is a RevenueClean or a CustomsClean).
 */
export async function analyzeFiles(options: AnalyzeOptions): Promise<AnalyzeResult> {
  const rules = options.rules ?? DEFAULT_RULES;
  const records: RevenueClean[] = [];
  const customs: CustomsClean[] = [];
  const problems: AnalyzeProblem[] = [];
  let read = 0;
  for (const file of options.files) {
    const name = basename(file);
    const dump = file.endsWith(".jsonl") ? await cleanDumpKind(file) : undefined;
    if (dump) {
      let line = 0;
      for await (const text of createInterface({ input: createReadStream(file), crlfDelay: Number.POSITIVE_INFINITY })) {
        line++;
        if (!text.trim()) continue;
        read++;
        const parsed = dump === "revenue" ? RevenueClean.safeParse(parseJson(text)) : CustomsClean.safeParse(parseJson(text));
        if (parsed.success) {
          if (dump === "revenue") records.push(parsed.data as RevenueClean);
          else customs.push(parsed.data as CustomsClean);
        } else problems.push({ file: name, line, reason: "schema_violation", message: parsed.error.issues[0]?.message ?? "invalid" });
      }
      continue;
    }
    for await (const row of readFeed(file)) {
      read++;
      if (row.kind === "problem") {
        problems.push({ file: name, line: row.line, reason: row.reason, message: row.message });
        continue;
      }
      const raw: RawRecord = {
        schemaVersion: 1,
        feed: row.feed,
        provenance: { source: name, file: name, line: row.line, ingestRun: "analyze", format: row.format },
        fields: row.fields,
      };
      const result = normalizeRecord(raw);
      if (!result.ok) problems.push({ file: name, line: row.line, reason: result.problem.reason, message: result.problem.message });
      else if (result.record.feed === "revenue") records.push(result.record.record);
      else customs.push(result.record.record);
    }
  }
  const { compositions, drafts } = detectCompany(records, customs, rules);
  const all = [...drafts, ...detectCustoms(customs, rules)].sort((a, b) => a.alertId.localeCompare(b.alertId));
  const alerts = reconcileAlerts(new Map(), all, options.now ?? new Date().toISOString());
  const { hsPrefixes, group } = rules.reexportSurge;
  const customsShares = (["export", "import"] as const).flatMap((flow) => customsCompositions(customs, { hsPrefixes, flow, group }));
  return {
    read,
    clean: records.length + customs.length,
    customs: customs.length,
    problems,
    compositions,
    customsCompositions: customsShares,
    alerts,
  };
}

/** Human output: a share table per entity (periods down, regions across), then the alerts. */
export function formatAnalysis(result: AnalyzeResult): string {
  const lines: string[] = [
    `read ${result.read}: clean ${result.clean}${result.customs ? ` (customs ${result.customs})` : ""}, rejected ${result.problems.length}`,
  ];
  for (const p of result.problems) lines.push(`  rejected ${p.file}:${p.line} ${p.reason}: ${p.message}`);
  const entities = new Map<string, Composition[]>();
  for (const c of result.compositions) entities.set(entityKey(c.entity), [...(entities.get(entityKey(c.entity)) ?? []), c]);
  for (const [key, comps] of entities) {
    const regions = [...new Map(comps.flatMap((c) => c.parts.map((p) => [p.region, p.name] as const))).entries()];
    const width = Math.max(...regions.map(([, n]) => Math.min(n.length, 16)), 7);
    lines.push("", `shares of ${key} (revenue by customer billing location)`);
    lines.push(["period".padEnd(10), ...regions.map(([, n]) => n.slice(0, 16).padStart(width)), "HHI".padStart(6)].join(" "));
    for (const c of comps) {
      const cells = regions.map(([r]) => {
        const part = c.parts.find((p) => p.region === r);
        return (part ? pct(part.share) : "-").padStart(width);
      });
      lines.push([c.period.padEnd(10), ...cells, (c.hhi ?? 0).toFixed(3).padStart(6)].join(" "));
    }
  }
  lines.push("", result.alerts.length ? `${result.alerts.length} alert(s):` : "no alerts");
  for (const a of result.alerts)
    lines.push(`  [${a.severity}] ${a.rule} ${a.alertId}${a.status === "resolved" ? " (resolved)" : ""}`, `    ${a.summary}`);
  return lines.join("\n");
}

async function cleanDumpKind(file: string): Promise<"revenue" | "customs" | undefined> {
  for await (const text of createInterface({ input: createReadStream(file), crlfDelay: Number.POSITIVE_INFINITY })) {
    if (!text.trim()) continue;
    const value = parseJson(text);
    if (RevenueClean.safeParse(value).success) return "revenue";
    if (CustomsClean.safeParse(value).success) return "customs";
    return undefined;
  }
  return undefined;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * `entrepot analyze <files...> [--rules r.yaml] [--json] [--html report.html] [--shares out.csv]`:
 * human output (share tables and alerts) or, with --json, one alert per line (the alert schema);
 * --html writes the self-contained report, --shares the shares as CSV. Exit 0; 2 when nothing was read.
 */
export async function analyzeCommand(args: readonly string[], print: (line: string) => void): Promise<number> {
  const { parseArgs } = await import("node:util");
  const { resolve } = await import("node:path");
  const { loadRulesFile } = await import("@entrepot/detector");
  const { values, positionals } = parseArgs({
    args: [...args],
    options: { rules: { type: "string" }, json: { type: "boolean" }, html: { type: "string" }, shares: { type: "string" } },
    allowPositionals: true,
  });
  if (positionals.length === 0) throw new AnalyzeUsageError("analyze needs at least one file");
  const rules = loadRulesFile(values.rules ? resolve(values.rules) : undefined);
  const result = await analyzeFiles({ files: positionals.map((f) => resolve(f)), rules });
  if (values.json) for (const a of result.alerts) print(JSON.stringify(a));
  else print(formatAnalysis(result));
  (await import("./analyzeReport")).writeAnalysisFiles(result, positionals, values, values.json ? () => undefined : print);
  return result.read === 0 ? 2 : 0;
}

export class AnalyzeUsageError extends Error {}

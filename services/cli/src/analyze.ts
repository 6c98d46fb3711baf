import { createReadStream } from "node:fs";
import { basename } from "node:path";
import { createInterface } from "node:readline";
import { DEFAULT_RULES, detectAll, entityKey, pct, type RulesConfig, reconcileAlerts, revenueCompositions } from "@entrepot/detect";
import { readFeed } from "@entrepot/ingestor";
import { normalizeRecord } from "@entrepot/normalize";
import { type Alert, type Composition, type RawRecord, RevenueClean } from "@entrepot/schemas";

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
  problems: AnalyzeProblem[];
  compositions: Composition[];
  alerts: Alert[];
}

/**
 * The embedded mode: normalize + detect over files in one process, no Kafka, no Redis. The same
 * functions as the streaming pipeline (normalizeRecord, revenueCompositions, detectAll,
 * reconcileAlerts), so the same input gives the same alerts. A file is either a feed file any
 * ingestor layout reads (revenue CSV, JSON lines...) or a JSON-lines dump of clean revenue
 * records (`*.jsonl` whose first line is a RevenueClean).
 */
export async function analyzeFiles(options: AnalyzeOptions): Promise<AnalyzeResult> {
  const rules = options.rules ?? DEFAULT_RULES;
  const records: RevenueClean[] = [];
  const problems: AnalyzeProblem[] = [];
  let read = 0;
  for (const file of options.files) {
    const name = basename(file);
    if (file.endsWith(".jsonl") && (await firstLineIsClean(file))) {
      let line = 0;
      for await (const text of createInterface({ input: createReadStream(file), crlfDelay: Number.POSITIVE_INFINITY })) {
        line++;
        if (!text.trim()) continue;
        read++;
        const parsed = RevenueClean.safeParse(parseJson(text));
        if (parsed.success) records.push(parsed.data);
        else problems.push({ file: name, line, reason: "schema_violation", message: parsed.error.issues[0]?.message ?? "invalid" });
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
    }
  }
  const compositions = revenueCompositions(records, rules.compositions);
  const alerts = reconcileAlerts(new Map(), detectAll(compositions, rules), options.now ?? new Date().toISOString());
  return { read, clean: records.length, problems, compositions, alerts };
}

/** Human output: a share table per entity (periods down, regions across), then the alerts. */
export function formatAnalysis(result: AnalyzeResult): string {
  const lines: string[] = [`read ${result.read}: clean ${result.clean}, rejected ${result.problems.length}`];
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

async function firstLineIsClean(file: string): Promise<boolean> {
  for await (const text of createInterface({ input: createReadStream(file), crlfDelay: Number.POSITIVE_INFINITY })) {
    if (!text.trim()) continue;
    return RevenueClean.safeParse(parseJson(text)).success;
  }
  return false;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * `entrepot analyze <files...> [--rules r.yaml] [--json]`: human output (share tables and
 * alerts) or, with --json, one alert per line (the alert schema). Exit 0; 2 when nothing was read.
 */
export async function analyzeCommand(args: readonly string[], print: (line: string) => void): Promise<number> {
  const { parseArgs } = await import("node:util");
  const { resolve } = await import("node:path");
  const { loadRulesFile } = await import("@entrepot/detector");
  const { values, positionals } = parseArgs({
    args: [...args],
    options: { rules: { type: "string" }, json: { type: "boolean" } },
    allowPositionals: true,
  });
  if (positionals.length === 0) throw new AnalyzeUsageError("analyze needs at least one file");
  const rules = loadRulesFile(values.rules ? resolve(values.rules) : undefined);
  const result = await analyzeFiles({ files: positionals.map((f) => resolve(f)), rules });
  if (values.json) for (const a of result.alerts) print(JSON.stringify(a));
  else print(formatAnalysis(result));
  return result.read === 0 ? 2 : 0;
}

export class AnalyzeUsageError extends Error {}

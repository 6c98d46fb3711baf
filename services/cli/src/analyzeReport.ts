import { writeFileSync } from "node:fs";
import { basename, resolve } from "node:path";
import { buildChartModels, loadBrowserAssets, renderedChart, renderHtmlReport, sharesCsv } from "@entrepot/report";
import type { AnalyzeResult } from "@entrepot/offline";

export interface AnalysisFiles {
  /** `--html`: the self-contained report */
  html?: string | undefined;
  /** `--shares`: the shares as CSV */
  shares?: string | undefined;
}

/** The HTML report of an analysis: a chart per entity with its alerts marked, the alert list. */
export function analysisReport(result: AnalyzeResult, files: readonly string[], generatedAt = new Date().toISOString()): string {
  const charts = buildChartModels([...result.compositions, ...result.customsCompositions], result.alerts).map(renderedChart);
  return renderHtmlReport(
    {
      title: `Entrepot analysis of ${files.map((f) => basename(f)).join(", ")}`,
      generatedAt,
      facts: [
        `read ${result.read}: clean ${result.clean}${result.customs ? ` (customs ${result.customs})` : ""}, rejected ${result.problems.length}`,
      ],
      charts,
      alerts: result.alerts,
    },
    loadBrowserAssets(),
  );
}

/** Writes `--html` and `--shares` when asked for, printing where. */
export function writeAnalysisFiles(
  result: AnalyzeResult,
  inputs: readonly string[],
  out: AnalysisFiles,
  print: (line: string) => void,
): void {
  if (out.html) {
    writeFileSync(resolve(out.html), analysisReport(result, inputs));
    print(`report written to ${resolve(out.html)}`);
  }
  if (out.shares) {
    writeFileSync(resolve(out.shares), sharesCsv([...result.compositions, ...result.customsCompositions]));
    print(`shares written to ${resolve(out.shares)}`);
  }
}

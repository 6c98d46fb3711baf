import { createHash } from "node:crypto";
import type { Alert } from "@entrepot/schemas";
import type { BrowserAssets } from "./assets";
import type { RenderedChart } from "./chartOption";

export interface HtmlReportInput {
  title: string;
  /** ISO time the report was made */
  generatedAt: string;
  /** one line each under the title, e.g. the files read and the reconciliation */
  facts: readonly string[];
  charts: readonly RenderedChart[];
  alerts: readonly Alert[];
}

const HTML_ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

/**
 * JavaScript or CSS for an inline element: a `</script` or `<!--` inside it (only possible in a
 * string, regular expression or comment of valid code, where `<\/` means the same) would end or
 * confuse the element.
 */
export function inlineSafe(code: string): string {
  return code.replace(/<\/(script|style)/gi, "<\\/$1").replace(/<!--/g, "<\\!--");
}

/** JSON for a `<script type="application/json">` block: `<` escaped so no tag can close it. */
export function jsonBlock(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

const sha256 = (text: string) => `'sha256-${createHash("sha256").update(text, "utf8").digest("base64")}'`;

function alertItem(a: Alert): string {
  const entity = Object.entries(a.entity)
    .map(([k, v]) => (k === "company" ? v : `${k} ${v}`))
    .join(", ");
  const status = a.status === "fired" ? "" : ` (${a.status}, revision ${a.revision})`;
  return [
    `<li class="ep-sev-${escapeHtml(a.severity)}" data-alert-id="${escapeHtml(a.alertId)}">`,
    `<div class="ep-alert-head">[${escapeHtml(a.severity)}] ${escapeHtml(a.rule)}: ${escapeHtml(entity)}, ${escapeHtml(a.regionName)}, ${escapeHtml(a.period)}${escapeHtml(status)}</div>`,
    `<div>${escapeHtml(a.summary)}</div>`,
    "</li>",
  ].join("");
}

/**
 * One self-contained HTML file: the chart library, our chart script and sheet inlined, the charts'
 * data embedded as JSON, the alert list as HTML (readable without scripts). Opens offline from a
 * file:// URL. Its Content-Security-Policy allows exactly the inline scripts and style it carries
 * (by hash), no network at all.
 */
export function renderHtmlReport(input: HtmlReportInput, assets: BrowserAssets): string {
  const scripts = [assets.echarts, assets.chartsJs, assets.reportJs].map(inlineSafe);
  const style = inlineSafe(assets.chartsCss);
  const csp = [
    "default-src 'none'",
    `script-src ${scripts.map(sha256).join(" ")}`,
    `style-src ${sha256(style)}`,
    "img-src data:",
    "base-uri 'none'",
    "form-action 'none'",
  ].join("; ");
  const data = { generatedAt: input.generatedAt, charts: input.charts };
  const alerts = [...input.alerts].sort((a, b) => a.period.localeCompare(b.period) || a.alertId.localeCompare(b.alertId));
  return [
    "<!doctype html>",
    '<html lang="en">',
    "<head>",
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(input.title)}</title>`,
    `<style>${style}</style>`,
    "</head>",
    "<body>",
    '<header class="ep-page-head">',
    `<h1>${escapeHtml(input.title)}</h1>`,
    ...input.facts.map((f) => `<div class="ep-muted">${escapeHtml(f)}</div>`),
    `<div class="ep-muted">generated ${escapeHtml(input.generatedAt)}</div>`,
    "</header>",
    "<main>",
    `<h2>Shares over time (${input.charts.length} chart${input.charts.length === 1 ? "" : "s"})</h2>`,
    '<div id="ep-charts"></div>',
    `<h2>Alerts (${alerts.length})</h2>`,
    alerts.length ? `<ul class="ep-alerts" id="ep-alert-list">${alerts.map(alertItem).join("")}</ul>` : "<p>No alerts.</p>",
    "</main>",
    `<script type="application/json" id="entrepot-report-data">${jsonBlock(data)}</script>`,
    ...scripts.map((s) => `<script>${s}</script>`),
    "</body>",
    "</html>",
    "",
  ].join("\n");
}

import { createHash } from "node:crypto";
import { alertFixture as testAlert } from "@entrepot/testkit";
import { describe, expect, it } from "vitest";
import { loadBrowserAssets } from "./assets";
import { buildChartModels } from "./chartModel";
import { renderedChart } from "./chartOption";
import { escapeHtml, inlineSafe, renderHtmlReport } from "./htmlReport";
import { compositionOf as composition } from "./compositionOf";

const hostile = "</script><script>alert(1)</script><!--";
const assets = {
  echarts: "var echarts = { version: '</script>' };",
  chartsJs: "var EntrepotCharts = {};",
  chartsCss: "body { color: black; }",
  reportJs: "document.title;",
};
const alert = testAlert({ rule: "share_shift_yoy", region: "SG", period: "FY2025-Q3", summary: `Singapore <b>rose</b> ${hostile}` });
const charts = buildChartModels(
  [composition({ company: "NVDA" }, "FY2025-Q3", { SG: 22, US: 78 }, { names: { SG: hostile, US: "United States" } })],
  [alert],
).map(renderedChart);
const html = renderHtmlReport(
  { title: "Report <NVDA>", generatedAt: "2026-01-01T00:00:00.000Z", facts: ["read 2 & more"], charts, alerts: [alert] },
  assets,
);

const inlineScripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1] ?? "");
const sha = (text: string) => `'sha256-${createHash("sha256").update(text).digest("base64")}'`;

describe("renderHtmlReport", () => {
  it("is one file: library, scripts and sheet inline, allowed by hash and nothing else", () => {
    expect(inlineScripts).toHaveLength(3);
    expect(inlineScripts[0]).toBe("var echarts = { version: '<\\/script>' };");
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1]?.replaceAll("&#39;", "'") ?? "";
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain(`script-src ${inlineScripts.map(sha).join(" ")};`);
    expect(csp).toContain(`style-src ${sha(assets.chartsCss)};`);
    expect(csp).not.toMatch(/unsafe-inline|https?:/);
    expect(html).not.toMatch(/<script[^>]+src=|<link /);
  });

  it("embeds the charts as JSON that no data can close, and lists the alerts escaped", () => {
    const block = /<script type="application\/json" id="entrepot-report-data">([\s\S]*?)<\/script>/.exec(html)?.[1] ?? "";
    expect(block).not.toContain("<");
    const data = JSON.parse(block) as { charts: typeof charts };
    expect(data.charts).toEqual(JSON.parse(JSON.stringify(charts)));
    expect(data.charts[0]?.model.series.map((s) => s.name)).toContain(hostile);
    // exactly the four script elements the renderer wrote: the hostile names opened none
    expect(html.match(/<script/g)).toHaveLength(4);
    expect(html).toContain(`<title>Report &lt;NVDA&gt;</title>`);
    expect(html).toContain("read 2 &amp; more");
    expect(html).toContain(`Singapore &lt;b&gt;rose&lt;/b&gt; &lt;/script&gt;`);
    expect(html).toContain(`data-alert-id="${escapeHtml(alert.alertId)}"`);
  });

  it("inlines the installed ECharts and our browser scripts", () => {
    const real = loadBrowserAssets();
    expect(real.echarts.length).toBeGreaterThan(500_000);
    expect(real.echarts).toContain("echarts");
    expect(real.chartsJs).toContain("EntrepotCharts");
    expect(inlineSafe("a</SCRIPT>b<!--c")).toBe("a<\\/SCRIPT>b<\\!--c");
  });
});

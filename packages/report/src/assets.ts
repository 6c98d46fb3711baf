import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

/** The files the browser needs to draw charts: the chart library and our scripts and sheet. */
export interface BrowserAssets {
  /** echarts.min.js from the installed `echarts` package */
  echarts: string;
  /** browser/charts.js: renders a chart model, tooltips, markers, details */
  chartsJs: string;
  /** browser/charts.css */
  chartsCss: string;
  /** browser/report.js: the offline report's bootstrap */
  reportJs: string;
}

/** Path of the installed ECharts build served to browsers (never a CDN). */
export function echartsPath(): string {
  return createRequire(import.meta.url).resolve("echarts/dist/echarts.min");
}

/** Reads the browser assets from this package and from node_modules (the only I/O of this package). */
export function loadBrowserAssets(): BrowserAssets {
  const own = (name: string) => readFileSync(new URL(`./browser/${name}`, import.meta.url), "utf8");
  return {
    echarts: readFileSync(echartsPath(), "utf8"),
    chartsJs: own("charts.js"),
    chartsCss: own("charts.css"),
    reportJs: own("report.js"),
  };
}

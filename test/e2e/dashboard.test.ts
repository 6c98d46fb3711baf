import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { buildApi, hashApiKey, parseApiKeys } from "@entrepot/api";
import {
  createTopics,
  DEMO_RULES_FILE,
  ingest,
  NVDA_REVENUE,
  type RunningService,
  SG_HUB_CUSTOMS,
  startPipelineServices,
  stopServices,
} from "@entrepot/cli";
import { AlertLog, SharesStore } from "@entrepot/delivery";
import { createKafka } from "@entrepot/kafka";
import { createLogger } from "@entrepot/runtime";
import { repoRoot, uniquePrefix, waitFor } from "@entrepot/testkit";
import { generateSecretKey, SecretBox } from "@entrepot/webhooks";
import { Redis } from "ioredis";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";

/** Screenshots for a person to look at (gitignored). */
const ARTIFACTS = resolve(repoRoot, "test/artifacts");
const KEY = `e2e-dashboard-${Date.now()}-key`;
const SHIFT_ID = "share_shift_yoy|NVDA|SG|FY2025-Q3";
const REGIONS = ["United States", "Taiwan", "China (including Hong Kong)", "Singapore", "Other countries"];

interface PageProblems {
  /** console errors (CSP violations are reported there) and uncaught exceptions */
  errors: string[];
  /** every URL the page asked for */
  requests: string[];
}

function watch(page: Page): PageProblems {
  const seen: PageProblems = { errors: [], requests: [] };
  page.on("console", (m) => {
    if (m.type() === "error" || /Content Security Policy/i.test(m.text())) seen.errors.push(m.text());
  });
  page.on("pageerror", (e) => seen.errors.push(e.message));
  page.on("request", (r) => seen.requests.push(r.url()));
  return seen;
}

/** What the evaluated functions below use of the page (the test project has no DOM types). */
interface InPage {
  document: { querySelector(selector: string): PageElement | null };
  echarts: { getInstanceByDom(el: PageElement): PageChart };
}
interface PageElement {
  getBoundingClientRect(): { left: number; top: number };
}
interface PageChart {
  getOption(): {
    series: { id: string; markPoint?: { data: { name: string; coord: [string, number]; symbolOffset: [number, number] }[] } }[];
  };
  convertToPixel(finder: { seriesId: string }, value: [string, number]): [number, number];
}

/**
 * Where a value is on a chart in the page, by the chart's own pixel conversion; with `markerId`,
 * where that marker's pin is: its point moved by the pin's offset, up into the pin's head.
 */
async function onChart(page: Page, container: string, at: { markerId: string } | { seriesId: string; coord: [string, number] }) {
  return page.evaluate(
    ({ container, at }) => {
      const g = globalThis as unknown as InPage;
      const el = g.document.querySelector(container);
      if (!el) throw new Error(`no ${container}`);
      const chart = g.echarts.getInstanceByDom(el);
      const box = el.getBoundingClientRect();
      if ("seriesId" in at) {
        const [x, y] = chart.convertToPixel({ seriesId: at.seriesId }, at.coord);
        return { x: box.left + x, y: box.top + y };
      }
      for (const s of chart.getOption().series) {
        const pin = s.markPoint?.data.find((d) => d.name === at.markerId);
        if (!pin) continue;
        const [x, y] = chart.convertToPixel({ seriesId: s.id }, pin.coord);
        return { x: box.left + x + pin.symbolOffset[0], y: box.top + y - 24 };
      }
      throw new Error(`no pin ${at.markerId}`);
    },
    { container, at },
  );
}

/**
 * The dashboard and the offline report in a real browser (Debian's chromium driven by
 * playwright-core), on the pipeline fed with the demo data: normalizer, detector (demo watch list)
 * and notifier on a unique prefix, the API (buildApi) on the same prefix.
 */
describe("dashboard and HTML report in a browser", () => {
  const brokers = inject("kafkaBrokers").split(",");
  const prefix = uniquePrefix("dash");
  const logger = createLogger({ name: "e2e-dashboard", level: "warn" });
  const dir = mkdtempSync(join(tmpdir(), "entrepot-dashboard-"));
  let redis: Redis;
  let services: RunningService[] = [];
  let api: ReturnType<typeof buildApi>;
  let baseUrl: string;
  let browser: Browser;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    // installs Debian's chromium on the first run; only checks afterwards
    const executablePath = execFileSync("bash", [resolve(repoRoot, "infra/scripts/browser.sh"), "--print-path"], {
      encoding: "utf8",
    }).trim();
    redis = new Redis(inject("redisUrl"));
    await createTopics(brokers, prefix, logger);
    services = await startPipelineServices(repoRoot, {
      brokers,
      redisUrl: inject("redisUrl"),
      prefix,
      logDir: dir,
      settleMs: 1000,
      rulesFile: DEMO_RULES_FILE,
    });
    const kafka = createKafka({ brokers, clientId: "e2e-dashboard", logger });
    await ingest(kafka, prefix, NVDA_REVENUE, "revenue");
    await ingest(kafka, prefix, SG_HUB_CUSTOMS, "customs");
    const alerts = new AlertLog(redis, prefix);
    const shares = new SharesStore(redis, prefix);
    await waitFor(
      async () => {
        const rules = new Set((await alerts.list({ company: "NVDA" }, 0, 100)).alerts.map((a) => a.rule));
        const nvda = await shares.find({ company: "NVDA" });
        const hub = await shares.find({ reporter: "SG" });
        return (
          ["share_shift_yoy", "billing_shipping_divergence", "corroboration"].every((r) => rules.has(r)) &&
          nvda.length === 12 &&
          hub.length > 0
        );
      },
      {
        timeoutMs: 90_000,
        description: "NVDA's alerts in the alert log and its 12 quarters and Singapore's customs in the shares read model",
      },
    );
    api = buildApi({
      redis,
      topicPrefix: prefix,
      apiKeys: parseApiKeys(`dashboard:read:${hashApiKey(KEY)}`),
      secretBox: new SecretBox(generateSecretKey()),
      logger,
      streamHeartbeatMs: 1000,
    });
    await api.listen({ port: 0, host: "127.0.0.1" });
    baseUrl = `http://127.0.0.1:${(api.server.address() as AddressInfo).port}`;
    browser = await chromium.launch({ executablePath, args: ["--no-sandbox"] });
  });

  afterAll(async () => {
    await browser?.close();
    await api?.close();
    await stopServices(services);
    redis?.disconnect();
  });

  it("dashboard: asks for the key, charts NVDA's regions with alert markers, explains a clicked marker, follows live alerts", async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    const seen = watch(page);
    await page.goto(`${baseUrl}/dashboard/`);
    await page.locator("#ep-key").fill("not-the-key");
    await page.locator("#ep-key-form button[type=submit]").click();
    await expect.poll(() => page.locator("#ep-key-error").textContent(), { timeout: 10_000 }).toContain("did not accept");
    // the refused key's one request is the only error the page may log
    expect(seen.errors).toEqual(["Failed to load resource: the server responded with a status of 401 (Unauthorized)"]);
    seen.errors.length = 0;
    await page.locator("#ep-key").fill(KEY);
    await page.locator("#ep-key-form button[type=submit]").click();

    const chart = "#ep-company-charts .ep-chart";
    await page.locator(`${chart} svg`).waitFor({ timeout: 20_000 });
    const texts = await page.locator(`${chart} svg text`).allTextContents();
    expect(texts).toEqual(expect.arrayContaining([...REGIONS, "NVDA: share of revenue by region"]));
    const buttons = await page.locator("#ep-company-charts .ep-marker-button").allTextContents();
    expect(buttons.some((b) => b.includes("share_shift_yoy, warning: Singapore FY2025-Q3"))).toBe(true);

    // hover: dollars and share; click: the explanation, figures and evidence
    const pin = await onChart(page, chart, { markerId: SHIFT_ID });
    await page.mouse.move(pin.x, pin.y);
    await expect
      .poll(() => page.locator("#ep-company-charts .ep-tip").last().textContent(), { timeout: 5_000 })
      .toMatch(/share_shift_yoy, warning: Singapore FY2025-Q3, \$7\.72bn, 22\.0%/);
    await page.mouse.click(pin.x, pin.y);
    const details = page.locator("#ep-company-charts .ep-details");
    await details.waitFor({ state: "visible", timeout: 5_000 });
    expect(await details.getAttribute("data-marker-id")).toBe(SHIFT_ID);
    const explained = (await details.textContent()) ?? "";
    expect(explained).toContain("Singapore's share of NVDA revenue rose to 22.0% in FY2025-Q3 from 13.0% in FY2024-Q3");
    expect(explained).toContain("observed (FY2025-Q3)22.0%");
    expect(explained).toContain("NVDA|FY2025-Q3|SG");

    // the axis tooltip: every region's dollars and share in a quarter
    const q3 = await onChart(page, chart, { seriesId: "region:US", coord: ["FY2024-Q3", 33] });
    await page.mouse.move(q3.x, q3.y);
    await expect
      .poll(() => page.locator("#ep-company-charts .ep-tip").last().textContent(), { timeout: 5_000 })
      .toMatch(/FY2024-Q3, total \$\d+\.\d+bn.*United States: \$\d+\.\d+bn, 33\.0%.*Singapore: \$\d.*13\.0%/);

    // the customs view opens on the hub NVDA's alerts are about
    await expect.poll(() => page.locator("#ep-hub").inputValue(), { timeout: 10_000 }).toBe("SG");
    await page.locator("#ep-hub-charts .ep-chart svg").first().waitFor({ timeout: 10_000 });
    const hubTexts = await page.locator("#ep-hub-charts svg text").allTextContents();
    expect(hubTexts.some((t) => t.startsWith("SG: imports by origin"))).toBe(true);
    expect(hubTexts.some((t) => t.startsWith("SG: exports by destination"))).toBe(true);

    // status and the alert list, then a live alert over SSE
    await expect.poll(() => page.locator("#ep-live").textContent(), { timeout: 10_000 }).toBe("live");
    expect(await page.locator("#ep-status").textContent()).toMatch(/alerts \d+ \(\d+ open\)/);
    const items = await page.locator("#ep-alerts li").allTextContents();
    expect(items.some((t) => t.includes("consistent with an invoicing hub"))).toBe(true);
    const log = new AlertLog(redis, prefix);
    const current = (await log.list({ company: "NVDA", rule: "share_shift_yoy" }, 0, 1)).alerts[0];
    if (!current) throw new Error("no share shift alert");
    await log.append({ ...current, revision: current.revision + 1, status: "updated", summary: `${current.summary} Live revision.` });
    const live = page.locator(`#ep-alerts li.ep-new[data-alert-id="${SHIFT_ID}"]`);
    await live.waitFor({ timeout: 15_000 });
    expect(await live.textContent()).toContain("Live revision.");
    expect(await page.locator("#ep-alerts li").first().getAttribute("data-alert-id")).toBe(SHIFT_ID);
    // the charts follow: the open explanation shows the new revision
    await expect.poll(() => details.textContent(), { timeout: 15_000 }).toContain("updated, revision");
    expect(await details.textContent()).toContain("Live revision.");

    await page.screenshot({ path: join(ARTIFACTS, "dashboard.png"), fullPage: true });
    expect(seen.errors).toEqual([]);
    // the key travels in headers only
    expect(seen.requests.filter((u) => u.includes(KEY))).toEqual([]);
    expect(seen.requests.every((u) => u.startsWith(baseUrl))).toBe(true);
    await page.close();
  });

  it("report: analyze --html writes one file that draws the same charts and alert list offline", async () => {
    const html = join(dir, "report.html");
    const csv = join(dir, "shares.csv");
    const run = spawnSync(
      process.execPath,
      [
        "--import",
        "tsx",
        resolve(repoRoot, "services/cli/src/main.ts"),
        "analyze",
        NVDA_REVENUE,
        SG_HUB_CUSTOMS,
        "--rules",
        DEMO_RULES_FILE,
        "--html",
        html,
        "--shares",
        csv,
      ],
      { cwd: repoRoot, encoding: "utf8" },
    );
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain(`report written to ${html}`);
    expect(run.stdout).toContain(`shares written to ${csv}`);

    const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    const seen = watch(page);
    await page.goto(pathToFileURL(html).href);
    const first = "#ep-charts .ep-chart-section:first-child .ep-chart";
    await page.locator(`${first} svg`).waitFor({ timeout: 20_000 });
    const titles = await page.locator("#ep-charts svg text").allTextContents();
    expect(titles).toEqual(expect.arrayContaining([...REGIONS, "NVDA: share of revenue by region"]));
    expect(titles.some((t) => t.startsWith("SG: imports by origin"))).toBe(true);

    const pin = await onChart(page, first, { markerId: SHIFT_ID });
    await page.mouse.click(pin.x, pin.y);
    const details = page.locator("#ep-charts .ep-chart-section:first-child .ep-details");
    await details.waitFor({ state: "visible", timeout: 5_000 });
    expect(await details.textContent()).toContain("Singapore's share of NVDA revenue rose to 22.0% in FY2025-Q3");
    expect(await page.locator("#ep-alert-list li").count()).toBe(9);

    await page.screenshot({ path: join(ARTIFACTS, "report.png"), fullPage: true });
    expect(seen.errors).toEqual([]);
    // nothing but the file itself: readable offline
    expect(seen.requests).toEqual([pathToFileURL(html).href]);
    await page.close();
  });
});

import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { type GeneratedFeeds, generateFeeds } from "@entrepot/synthetic";

export class GenerateUsageError extends Error {}

/** A positive integer option, or the default. */
export function intOption(value: string | undefined, name: string, fallback: number, min = 1): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new GenerateUsageError(`${name} must be an integer >= ${min}`);
  return n;
}

export interface GenerateCommandOptions {
  seed: number;
  companies: number;
  quarters: number;
}

/** Options shared by `generate` and `backtest`: --seed (default 1), --companies (240), --quarters (20). */
export function feedOptions(values: { seed?: string; companies?: string; quarters?: string }): GenerateCommandOptions {
  return {
    seed: intOption(values.seed, "--seed", 1, 0),
    companies: intOption(values.companies, "--companies", 240),
    quarters: intOption(values.quarters, "--quarters", 20, 12),
  };
}

/** Writes revenue.csv, customs.csv, labels.json and scenarios.json into `out` (created if missing). */
export function writeFeeds(feeds: GeneratedFeeds, out: string): string[] {
  mkdirSync(out, { recursive: true });
  const files: [string, string][] = [
    ["revenue.csv", feeds.revenueCsv],
    ["customs.csv", feeds.customsCsv],
    ["labels.json", feeds.labelsJson],
    ["scenarios.json", feeds.scenariosJson],
  ];
  for (const [name, text] of files) writeFileSync(join(out, name), text);
  return files.map(([name]) => join(out, name));
}

/**
 * `entrepot generate --seed N --out dir [--companies N] [--quarters N]`: synthetic revenue and
 * customs feeds with labelled anomalies (packages/synthetic). Same seed, same bytes.
 */
export function generateCommand(args: readonly string[], print: (line: string) => void): number {
  const { values } = parseArgs({
    args: [...args],
    options: { seed: { type: "string" }, out: { type: "string" }, companies: { type: "string" }, quarters: { type: "string" } },
  });
  if (!values.out) throw new GenerateUsageError("generate needs --out <dir>");
  const feeds = generateFeeds(feedOptions(values));
  const files = writeFeeds(feeds, resolve(values.out));
  const byType = new Map<string, number>();
  for (const l of feeds.labels) byType.set(`${l.feed}:${l.type}`, (byType.get(`${l.feed}:${l.type}`) ?? 0) + 1);
  print(
    `wrote ${files.join(", ")}: ${feeds.revenue.length} revenue rows (${feeds.options.companies} companies x ${feeds.options.quarters} quarters), ` +
      `${feeds.customs.length} customs rows (${feeds.options.hubs} hubs), ${feeds.labels.length} labels`,
  );
  print(`labels: ${[...byType].map(([k, n]) => `${k}=${n}`).join(", ")}`);
  return 0;
}

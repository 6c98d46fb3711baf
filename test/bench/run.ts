/**
 * `pnpm bench [name...]`: runs every test/bench/*.bench.ts (or the named ones) on real Kafka and
 * Redis (same discovery as the tests: env, running ports, testcontainers, local scripts) and prints
 * a Markdown report; also written to bench-results/<timestamp>.md (ignored by git).
 * A bench file default-exports `run(ctx) => Promise<BenchResult>`. Figures are measured, never
 * asserted: compare them within one run on one machine.
 */
import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { basename, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { acquireTestInfra, repoRoot } from "@entrepot/testkit";

export interface BenchContext {
  kafkaBrokers: string;
  redisUrl: string;
}
export interface BenchResult {
  name: string;
  figures: Record<string, number | string>;
  notes?: string;
}

const dir = resolve(repoRoot, "test/bench");
const wanted = process.argv.slice(2);
const files = readdirSync(dir)
  .filter((f) => f.endsWith(".bench.ts"))
  .filter((f) => wanted.length === 0 || wanted.includes(basename(f, ".bench.ts")))
  .sort();

const infra = await acquireTestInfra();
const ctx: BenchContext = { kafkaBrokers: infra.kafkaBrokers, redisUrl: infra.redisUrl };
const lines = [
  `# Entrepot benchmarks, ${new Date().toISOString()}`,
  "",
  `Machine: ${cpus().length} x ${cpus()[0]?.model ?? "cpu"}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}; Kafka ${ctx.kafkaBrokers} (${infra.via}), Redis ${ctx.redisUrl}.`,
  "",
];
let failed = 0;
try {
  for (const file of files) {
    process.stderr.write(`[bench] ${file} ...\n`);
    try {
      const mod = (await import(pathToFileURL(resolve(dir, file)).href)) as { default: (c: BenchContext) => Promise<BenchResult> };
      const result = await mod.default(ctx);
      lines.push(`## ${result.name} (${file})`, "", "| figure | value |", "|---|---|");
      for (const [k, v] of Object.entries(result.figures)) lines.push(`| ${k} | ${v} |`);
      if (result.notes) lines.push("", result.notes);
      lines.push("");
    } catch (err) {
      failed += 1;
      lines.push(`## ${file}: FAILED`, "", "```", String(err instanceof Error ? (err.stack ?? err.message) : err), "```", "");
    }
  }
} finally {
  await infra.stop();
}
const report = lines.join("\n");
process.stdout.write(`${report}\n`);
const out = resolve(repoRoot, "bench-results");
mkdirSync(out, { recursive: true });
writeFileSync(resolve(out, `${new Date().toISOString().replace(/[:.]/g, "-")}.md`), report);
process.exit(failed ? 1 : 0);

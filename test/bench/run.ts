/**
 * `pnpm bench [name...]`: runs every test/bench/*.bench.ts (or the named ones) on real Kafka and
 * Redis (same discovery as the tests: env, running ports, testcontainers, local scripts) and prints
 * a Markdown report; also written to bench-results/<timestamp>.md (ignored by git), to
 * bench/results/latest.json (machine, versions, every figure and ratio) and into the generated
 * section of docs/benchmarks.md.
 * A bench file default-exports `run(ctx) => Promise<BenchResult>`. Figures are measured, never
 * asserted: compare them within one run on one machine.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { basename, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { kafkaClientName } from "@entrepot/kafka";
import { acquireTestInfra, repoRoot } from "@entrepot/testkit";

export interface BenchContext {
  kafkaBrokers: string;
  redisUrl: string;
}
export interface BenchResult {
  name: string;
  figures: Record<string, number | string>;
  /** ratios of our figures to a baseline measured in the same run (e.g. against kcat) */
  ratios?: Record<string, number>;
  notes?: string;
}

const DOC_START = "<!-- bench:latest:start (written by `pnpm bench`) -->";
const DOC_END = "<!-- bench:latest:end -->";

/** the first line a command prints, or why it could not run */
function versionOf(cmd: string, args: readonly string[]): string {
  try {
    return (
      execFileSync(cmd, [...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] })
        .trim()
        .split("\n")[0] ?? ""
    );
  } catch (err) {
    return `unavailable (${err instanceof Error ? err.message.split("\n")[0] : String(err)})`;
  }
}

function packageVersion(name: string): string {
  try {
    const pkg = JSON.parse(readFileSync(resolve(repoRoot, "packages/kafka/node_modules", name, "package.json"), "utf8")) as {
      version: string;
    };
    return pkg.version;
  } catch {
    return "not installed";
  }
}

const dir = resolve(repoRoot, "test/bench");
const wanted = process.argv.slice(2);
const files = readdirSync(dir)
  .filter((f) => f.endsWith(".bench.ts"))
  .filter((f) => wanted.length === 0 || wanted.includes(basename(f, ".bench.ts")))
  .sort();

const infra = await acquireTestInfra();
const ctx: BenchContext = { kafkaBrokers: infra.kafkaBrokers, redisUrl: infra.redisUrl };
const startedAt = new Date().toISOString();
const machine = {
  cpus: cpus().length,
  cpu: cpus()[0]?.model ?? "cpu",
  memGiB: Math.round(totalmem() / 2 ** 30),
  loadAvgAtStart: loadavg().map((l) => Number(l.toFixed(2))),
};
const versions = {
  node: process.version,
  kafkaClient: kafkaClientName(process.env),
  kafkajs: packageVersion("kafkajs"),
  "@platformatic/kafka": packageVersion("@platformatic/kafka"),
  "@confluentinc/kafka-javascript": packageVersion("@confluentinc/kafka-javascript"),
  kcat: versionOf("bash", ["-c", "kcat -V | sed -n 's/.*Version \\(.*\\)/\\1/p' | head -1"]),
  kafkaBroker: `${ctx.kafkaBrokers} (${infra.via})`,
};
/** the Kafka settings of the environment the run had (client, compression), for the report's command line */
const kafkaSettings = (["ENTREPOT_KAFKA_CLIENT", "ENTREPOT_KAFKA_COMPRESSION"] as const)
  .filter((name) => process.env[name])
  .map((name) => `${name}=${process.env[name]}`)
  .join(" ");
const lines = [
  `Run ${startedAt}: ${machine.cpus} x ${machine.cpu}, ${machine.memGiB} GiB, load average at start ${machine.loadAvgAtStart.join(" / ")}; ` +
    `Node ${versions.node}, Kafka client ${versions.kafkaClient}, kcat ${versions.kcat}; Kafka ${versions.kafkaBroker}, Redis ${ctx.redisUrl}.`,
  "",
  `Command: \`pnpm bench${wanted.length ? ` ${wanted.join(" ")}` : ""}\`${kafkaSettings ? ` with ${kafkaSettings}` : ""}.`,
  "",
];
const results: (BenchResult & { file: string })[] = [];
const failures: { file: string; error: string }[] = [];
try {
  for (const file of files) {
    process.stderr.write(`[bench] ${file} ...\n`);
    try {
      const mod = (await import(pathToFileURL(resolve(dir, file)).href)) as { default: (c: BenchContext) => Promise<BenchResult> };
      const result = await mod.default(ctx);
      results.push({ ...result, file });
      lines.push(`### ${result.name} (${file})`, "", "| figure | value |", "|---|---|");
      for (const [k, v] of Object.entries(result.figures)) lines.push(`| ${k} | ${v} |`);
      for (const [k, v] of Object.entries(result.ratios ?? {})) lines.push(`| ratio: ${k} | ${v} |`);
      if (result.notes) lines.push("", result.notes);
      lines.push("");
    } catch (err) {
      const error = String(err instanceof Error ? (err.stack ?? err.message) : err);
      failures.push({ file, error });
      lines.push(`### ${file}: FAILED`, "", "```", error, "```", "");
    }
  }
} finally {
  await infra.stop();
}
const report = lines.join("\n");
process.stdout.write(`${report}\n`);
const out = resolve(repoRoot, "bench-results");
mkdirSync(out, { recursive: true });
writeFileSync(resolve(out, `${startedAt.replace(/[:.]/g, "-")}.md`), report);
mkdirSync(resolve(repoRoot, "bench/results"), { recursive: true });
writeFileSync(
  resolve(repoRoot, "bench/results/latest.json"),
  `${JSON.stringify({ startedAt, command: ["pnpm", "bench", ...wanted], machine: { ...machine, loadAvgAtEnd: loadavg().map((l) => Number(l.toFixed(2))) }, versions, results, failures }, null, 2)}\n`,
);
const docPath = resolve(repoRoot, "docs/benchmarks.md");
const doc = readFileSync(docPath, "utf8");
const [before, rest] = doc.includes(DOC_START)
  ? (doc.split(DOC_START) as [string, string])
  : [`${doc.trimEnd()}\n\n## Latest run\n\n`, DOC_END];
const after = rest.includes(DOC_END) ? rest.slice(rest.indexOf(DOC_END) + DOC_END.length) : "";
writeFileSync(docPath, `${before}${DOC_START}\n${report}\n${DOC_END}${after || "\n"}`);
process.exit(failures.length ? 1 : 0);

import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { type RunningService, spawnService, stopServices, waitReady } from "@entrepot/cli";
import { createKafka, readTopicToEnd } from "@entrepot/kafka";
import { createLogger } from "@entrepot/runtime";
import { RevenueClean, topicName } from "@entrepot/schemas";
import { repoRoot, uniquePrefix, waitFor } from "@entrepot/testkit";
import { afterAll, describe, expect, inject, it } from "vitest";

const exec = promisify(execFile);
const main = resolve(repoRoot, "services/cli/src/main.ts");
const SAMPLE = resolve(repoRoot, "services/cli/samples/nvda-revenue.csv");
const work = mkdtempSync(join(tmpdir(), "entrepot-ops-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs the real `entrepot` process from the repository root, as `pnpm entrepot` does, with `env` (INIT_CWD: the caller's directory). */
async function entrepot(env: Record<string, string>, args: string[]): Promise<Run> {
  const started = Date.now();
  try {
    const r = await exec(process.execPath, ["--import", "tsx", main, ...args], {
      cwd: repoRoot,
      env: { PATH: process.env.PATH ?? "", LOG_LEVEL: "info", ...env },
      timeout: 120_000,
    });
    return { code: 0, stdout: r.stdout, stderr: r.stderr, ms: Date.now() - started };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr, ms: Date.now() - started };
  }
}

function file(name: string, content: string | Buffer): string {
  const path = join(work, name);
  writeFileSync(path, content);
  return path;
}

const live = (prefix: string) => ({ KAFKA_BROKERS: inject("kafkaBrokers"), REDIS_URL: inject("redisUrl"), ENTREPOT_TOPIC_PREFIX: prefix });

describe("entrepot with Kafka or Redis away", () => {
  // nothing listens on port 1: never stop the shared broker to test this
  const away = { KAFKA_BROKERS: "127.0.0.1:1", REDIS_URL: "redis://127.0.0.1:1", ENTREPOT_TOPIC_PREFIX: uniquePrefix("away") };
  const kafkaLine =
    "entrepot: Kafka is not reachable at 127.0.0.1:1 (connection refused): start it with `pnpm infra:up` or set KAFKA_BROKERS\n";
  const redisLine =
    "entrepot: Redis is not reachable at 127.0.0.1:1 (connection refused): start it with `pnpm infra:up` or set REDIS_URL\n";

  it.each([
    [["topics", "create"], kafkaLine],
    [["ingest", SAMPLE, "--feed", "revenue"], kafkaLine],
    [["dlq", "list"], kafkaLine],
    [["dlq", "show"], kafkaLine],
    [["dlq", "replay", "--dry-run"], kafkaLine],
    [["replay", "--stage", "normalizer", "--from", "earliest", "--dry-run"], kafkaLine],
    [["detector", "rebuild"], kafkaLine],
    [["subscriptions", "list"], redisLine],
    [["subscriptions", "add", "--url", "https://example.org/hook"], redisLine],
    [["deliveries", "failed"], redisLine],
    [["deliveries", "retry", "--all"], redisLine],
    [["silences", "list"], redisLine],
    [["silences", "add", "--company", "NVDA", "--for", "2h"], redisLine],
  ])("entrepot %j: exit 3 within 10 s, one line on stderr naming the address and the fix, nothing on stdout", async (args, line) => {
    const r = await entrepot(away, args);
    expect(r).toMatchObject({ code: 3, stdout: "", stderr: line });
    expect(r.ms).toBeLessThan(10_000);
  });

  it("fails at once on an unknown host, and shows the causes with --verbose", async () => {
    const unknown = await entrepot({ ...away, KAFKA_BROKERS: "no-such-host.invalid:9092" }, ["topics", "create"]);
    expect(unknown).toMatchObject({ code: 3, stdout: "" });
    expect(unknown.stderr).toBe(
      "entrepot: Kafka is not reachable at no-such-host.invalid:9092 (unknown host no-such-host.invalid): start it with `pnpm infra:up` or set KAFKA_BROKERS\n",
    );
    expect(unknown.ms).toBeLessThan(10_000);
    const verbose = await entrepot(away, ["--verbose", "subscriptions", "list"]);
    expect(verbose.code).toBe(3);
    expect(verbose.stderr).toMatch(/^entrepot: InfrastructureError: Redis is not reachable at 127\.0\.0\.1:1/);
    expect(verbose.stderr).toMatch(/\n {4}at /);
    expect(verbose.stderr).toContain("cause: Error: connect ECONNREFUSED 127.0.0.1:1");
  });

  it("status still reports what it can, marks the rest, and exits 3", async () => {
    const r = await entrepot({ ...away, REDIS_URL: inject("redisUrl") }, ["status", "--json", "--interval", "0.2"]);
    expect(r.code).toBe(3);
    expect(r.ms).toBeLessThan(10_000);
    const report = JSON.parse(r.stdout) as {
      kafka: { reachable: boolean; error: string };
      redis: { reachable: boolean };
      stages: unknown;
      missing: string[];
    };
    expect(report.kafka).toMatchObject({ reachable: false, error: "connection refused" });
    expect(report.redis.reachable).toBe(true);
    expect(report.stages).toBeNull();
    expect(report.missing).toEqual(["consumer groups, lag, rates and dead letters: Kafka unreachable at 127.0.0.1:1"]);
  });

  it("checks the input before connecting: a missing, empty, binary or directory input never waits on Kafka", async () => {
    const empty = await entrepot(away, ["ingest", file("empty.csv", ""), "--feed", "revenue"]);
    expect(empty).toMatchObject({ code: 4, stdout: "", stderr: `entrepot: ${join(work, "empty.csv")} is empty: no row to read\n` });
    const binary = await entrepot(away, [
      "ingest",
      file("binary.csv", Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03])),
      "--feed",
      "revenue",
    ]);
    expect(binary).toMatchObject({ code: 4, stdout: "" });
    expect(binary.stderr).toBe(
      `entrepot: ${join(work, "binary.csv")} holds binary data (NUL bytes or control characters), not a text feed\n`,
    );
    const missing = await entrepot({ ...away, INIT_CWD: work }, ["ingest", "nope.csv", "--feed", "revenue"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(`The file does not exist (${join(work, "nope.csv")}).`);
    const folder = await entrepot(away, ["ingest", work, "--feed", "revenue"]);
    expect(folder.code).toBe(2);
    expect(folder.stderr).toContain("It is a directory, not a file");
    for (const r of [empty, binary, missing, folder]) expect(r.ms).toBeLessThan(10_000);
  });
});

describe("entrepot normalize: files", () => {
  it("resolves relative paths against INIT_CWD (the caller's directory under pnpm), not the repository root", async () => {
    const dir = mkdtempSync(join(work, "caller-"));
    writeFileSync(join(dir, "rev.csv"), readFileSync(SAMPLE));
    const r = await entrepot({ INIT_CWD: dir }, ["normalize", "rev.csv", "--out", "clean.jsonl"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ read: 61, clean: 60, rejected: 1 });
    expect(readFileSync(join(dir, "clean.jsonl"), "utf8").trim().split("\n")).toHaveLength(60);
    expect(readFileSync(join(dir, "clean.rejects.jsonl"), "utf8").trim().split("\n")).toHaveLength(1);
  });

  it("refuses --out equal to --rejects and leaves existing outputs untouched when the input is refused", async () => {
    const out = file("kept.jsonl", "previous content\n");
    const same = await entrepot({}, ["normalize", SAMPLE, "--out", out, "--rejects", `${work}/./kept.jsonl`]);
    expect(same.code).toBe(2);
    expect(same.stderr).toContain(`--out and --rejects are the same file (${out})`);
    const empty = await entrepot({}, ["normalize", file("e.csv", ""), "--out", out, "--rejects", join(work, "r.jsonl")]);
    expect(empty.code).toBe(4);
    expect(readFileSync(out, "utf8")).toBe("previous content\n");
  });

  it("exits 4 when the file yields no usable row: binary, wrong feed, a header without rows", async () => {
    const out = join(work, "x.jsonl");
    const binary = await entrepot({}, ["normalize", file("b.csv", Buffer.alloc(64, 0)), "--out", out]);
    expect(binary).toMatchObject({ code: 4, stdout: "" });
    const wrongFeed = await entrepot({}, ["normalize", SAMPLE, "--feed", "customs", "--out", out]);
    expect(wrongFeed.code).toBe(4);
    expect(wrongFeed.stderr).toBe(
      `entrepot: ${SAMPLE}: no usable row: 1 read, 1 rejected (unknown_format=1); the reasons are in ${join(work, "x.rejects.jsonl")}\n`,
    );
    const header = await entrepot({}, ["normalize", file("h.csv", "company,fiscal_period,region,revenue\n"), "--out", out]);
    expect(header.code).toBe(4);
    expect(header.stderr).toContain("no row read");
  });
});

interface Status {
  stages: { stage: string; lag: number; members: number; outPerSec: number }[];
}

describe("operating the pipeline: status, dead letters, replay", () => {
  const prefix = uniquePrefix("ops");
  const env = live(prefix);
  const brokers = inject("kafkaBrokers").split(",");
  const kafka = createKafka({ brokers, clientId: "ops-e2e", logger: createLogger({ name: "ops-e2e", level: "silent" }) });
  let normalizer: RunningService | undefined;
  afterAll(async () => {
    if (normalizer) await stopServices([normalizer]);
  });

  const status = async (): Promise<Status> => {
    const r = await entrepot(env, ["status", "--json", "--interval", "0.5"]);
    expect(r.code).toBe(0);
    return JSON.parse(r.stdout) as Status;
  };
  const lagOf = (s: Status, stage: string) => s.stages.find((g) => g.stage === stage)?.lag;
  const startNormalizer = async () => {
    normalizer = await spawnService(repoRoot, "normalizer", {
      env: { ...process.env, ...env, LOG_LEVEL: "warn", HEALTH_PORT: "0" },
      logFile: join(work, `${prefix}normalizer.log`),
    });
    await waitReady(normalizer, 90_000);
  };
  const stopNormalizer = async () => {
    if (normalizer) expect(await stopServices([normalizer])).toEqual([0]);
    normalizer = undefined;
  };
  const cleanRecords = async () =>
    (await readTopicToEnd(kafka, topicName(prefix, "revenueClean"))).map((m) => RevenueClean.parse(JSON.parse(m.value ?? "")));

  it("status shows the normalizer's lag growing while it is stopped and draining once it runs", { timeout: 240_000 }, async () => {
    expect((await entrepot(env, ["topics", "create"])).code).toBe(0);
    expect((await entrepot(env, ["ingest", SAMPLE, "--feed", "revenue"])).code).toBe(0);
    expect(lagOf(await status(), "normalizer")).toBe(61);
    expect((await entrepot(env, ["ingest", SAMPLE, "--feed", "revenue"])).code).toBe(0);
    const before = await status();
    expect(lagOf(before, "normalizer")).toBe(122);
    expect(before.stages.find((g) => g.stage === "normalizer")?.members).toBe(0);
    await startNormalizer();
    const drained = await waitFor(
      async () => {
        const s = await status();
        return lagOf(s, "normalizer") === 0 ? s : undefined;
      },
      { timeoutMs: 90_000, description: "the normalizer's lag to drain" },
    );
    expect(drained.stages.find((g) => g.stage === "normalizer")?.members).toBe(1);
    // the second ingest was the same facts: 60 clean records, once each
    expect(await cleanRecords()).toHaveLength(60);
  });

  it("replays a dead letter fixed by a mapping to a clean record, with its provenance, once however often it is replayed", {
    timeout: 240_000,
  }, async () => {
    if (!normalizer) await startNormalizer();
    // a typo a mapping can fix: the letter O for a zero in a figure (an unknown region label is no dead letter: it stays an opaque region)
    const bad = file(`${prefix}sg.csv`, "company,fiscal_period,region,revenue\nAMD,FY2025-Q3,Singapore,1OO\nAMD,FY2025-Q3,United States,300\n");
    expect((await entrepot(env, ["ingest", bad, "--feed", "revenue"])).code).toBe(0);
    const dead = await waitFor(
      async () => {
        const r = await entrepot(env, ["dlq", "list", "--reason", "bad_number", "--file", `${prefix}sg.csv`, "--json"]);
        return r.stdout.trim() ? r.stdout.trim().split("\n") : undefined;
      },
      { timeoutMs: 60_000, description: "the bad_number dead letter" },
    );
    expect(dead).toHaveLength(1);
    const dry = await entrepot(env, ["dlq", "replay", "--reason", "bad_number", "--file", `${prefix}sg.csv`, "--dry-run"]);
    expect(dry.stdout).toContain(`would replay 1 of 1 matching dead letters on ${prefix}rejects.v1 -> ${prefix}revenue.raw.v1 1`);

    // replayed twice with the fix: the second is the same fact again, which the normalizer's revision gate drops
    const fix = file(
      "fix.json",
      JSON.stringify({ name: "fix", feed: "revenue", columns: { revenue: "revenue" }, values: { revenue: { "1OO": "100" } } }),
    );
    for (let i = 0; i < 2; i++) {
      const replayed = await entrepot(env, ["dlq", "replay", "--reason", "bad_number", "--file", `${prefix}sg.csv`, "--mapping", fix]);
      expect(replayed.code).toBe(0);
      expect(replayed.stdout).toMatch(/^replayed 1 of 1 matching dead letters/);
    }
    const singapore = await waitFor(
      async () => {
        const hits = (await cleanRecords()).filter((r) => r.company === "AMD" && r.region === "SG");
        return hits.length > 0 ? hits : undefined;
      },
      { timeoutMs: 60_000, description: "the replayed record on the clean topic" },
    );
    await waitFor(async () => lagOf(await status(), "normalizer") === 0, { timeoutMs: 60_000, description: "both replays consumed" });
    const again = (await cleanRecords()).filter((r) => r.company === "AMD" && r.region === "SG");
    expect(again).toHaveLength(1);
    expect(singapore[0]?.provenance).toMatchObject({ file: `${prefix}sg.csv`, line: 2, source: `${prefix}sg.csv` });
    expect(singapore[0]?.revenueUsd).toBeGreaterThan(0);
    // both replays were clean: no new dead letter
    const after = await entrepot(env, ["dlq", "list", "--reason", "bad_number", "--file", `${prefix}sg.csv`, "--json"]);
    expect(after.stdout.trim().split("\n")).toHaveLength(1);
  });

  it("pages through many dead letters with a small page size", { timeout: 240_000 }, async () => {
    if (!normalizer) await startNormalizer();
    const rows = Array.from({ length: 40 }, (_, i) => `INTC,FY2025-Q3,Singapore,${i}O`);
    const many = file(`${prefix}many.csv`, `company,fiscal_period,region,revenue\n${rows.join("\n")}\n`);
    expect((await entrepot(env, ["ingest", many, "--feed", "revenue"])).code).toBe(0);
    const args = ["--file", `${prefix}many.csv`, "--page-size", "3"];
    const listed = await waitFor(
      async () => {
        const r = await entrepot(env, ["dlq", "list", ...args, "--limit", "100", "--json"]);
        const lines = r.stdout.trim().split("\n").filter(Boolean);
        return lines.length === 40 ? lines : undefined;
      },
      { timeoutMs: 60_000, description: "40 dead letters" },
    );
    const lineNumbers = listed.map((l) => (JSON.parse(l) as { provenance: { line: number } }).provenance.line);
    expect([...lineNumbers].sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i + 2));
    const first = await entrepot(env, ["dlq", "list", ...args, "--limit", "4"]);
    expect(first.stdout.trim().split("\n")).toHaveLength(5);
    expect(first.stdout).toContain(`4 of 40 matching dead letters on ${prefix}rejects.v1`);
    const latest = await entrepot(env, ["dlq", "show", ...args, "--limit", "5"]);
    expect(latest.stdout).toContain(`5 of 40 dead letters on ${prefix}rejects.v1`);
    expect(
      latest.stdout
        .trim()
        .split("\n")
        .slice(0, 5)
        .every((l) => /bad_number .*many\.csv:\d+/.test(l)),
    ).toBe(true);
  });

  it("replay --stage refuses while the stage runs (exit 5) and re-drives it once stopped", { timeout: 240_000 }, async () => {
    if (!normalizer) await startNormalizer();
    const running = await entrepot(env, ["replay", "--stage", "normalizer", "--from", "earliest"]);
    expect(running.code).toBe(5);
    expect(running.stderr).toMatch(/^entrepot: normalizer is running \(1 member\(s\) in group .*\): stop it first/);
    await stopNormalizer();
    const dry = await entrepot(env, ["replay", "--stage", "normalizer", "--from", "earliest", "--dry-run"]);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain("dry run: nothing changed");
    expect(lagOf(await status(), "normalizer")).toBe(0);
    const reset = await entrepot(env, ["replay", "--stage", "normalizer", "--from", "earliest"]);
    expect(reset.code).toBe(0);
    const total = (await readTopicToEnd(kafka, topicName(prefix, "revenueRaw"))).length;
    expect(reset.stdout).toContain(`done: ${total} records will be consumed again`);
    expect(lagOf(await status(), "normalizer")).toBe(total);
  });
});

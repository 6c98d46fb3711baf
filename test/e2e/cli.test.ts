import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { repoRoot, uniquePrefix } from "@entrepot/testkit";
import { describe, expect, inject, it } from "vitest";

const exec = promisify(execFile);
const main = resolve(repoRoot, "services/cli/src/main.ts");
const prefix = uniquePrefix("cli");
const env = {
  PATH: process.env.PATH ?? "",
  KAFKA_BROKERS: inject("kafkaBrokers"),
  REDIS_URL: inject("redisUrl"),
  ENTREPOT_TOPIC_PREFIX: prefix,
  LOG_LEVEL: "error",
  // subscription commands need the key that encrypts secrets at rest (openssl rand -base64 32)
  ENTREPOT_SECRET_KEY: randomBytes(32).toString("base64"),
};

async function entrepot(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return entrepotWith(env, ...args);
}

async function entrepotWith(env: NodeJS.ProcessEnv, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec(process.execPath, ["--import", "tsx", main, ...args], { cwd: repoRoot, env, timeout: 150_000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe("entrepot CLI against real Kafka and Redis", () => {
  it("creates topics idempotently", async () => {
    const first = await entrepot("topics", "create");
    expect(first.code).toBe(0);
    expect(first.stdout).toContain(`${prefix}revenue.clean.v1`);
    const second = await entrepot("topics", "create");
    expect(second).toMatchObject({ code: 0, stdout: "all topics exist\n" });
  });

  it("ingests a file, prints the reconciliation, and shows dead letters", async () => {
    const r = await entrepot("ingest", "services/cli/samples/nvda-revenue.csv", "--feed", "revenue");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/read 61 = published 61 \+ rejected 0/);
    const dlq = await entrepot("dlq", "show");
    expect(dlq.code).toBe(0);
    expect(dlq.stdout).toContain(`0 of 0 dead letters on ${prefix}rejects.v1`);
  });

  it("rebuilds the detector's state through the detector's own entry point, which reports bad rules files", async () => {
    // nothing normalized under this prefix: the clean topics are empty
    const rebuilt = await entrepot("detector", "rebuild", "--rules", "services/cli/samples/demo-rules.yaml");
    expect(rebuilt).toMatchObject({ code: 0 });
    expect(rebuilt.stdout).toBe(
      "detector state rebuilt: 0 clean records (0 invalid), 0 companies, 0 published alerts, 0 recomputed without notifying\n",
    );
    // a missing rules file is the CLI's usage error; one it cannot use, the detector's own
    const missing = await entrepot("detector", "rebuild", "--rules", "no-such-rules.yaml");
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(`The file does not exist (${resolve(repoRoot, "no-such-rules.yaml")})`);
    const rules = join(mkdtempSync(join(tmpdir(), "entrepot-rules-")), "bad-rules.yaml");
    writeFileSync(rules, "shareShift:\n  minShiftPp: banana\n");
    const bad = await entrepot("detector", "rebuild", "--rules", rules);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(`detector rebuild: ${rules}: shareShift.minShiftPp:`);
  });

  it("manages subscriptions: add (secret shown once), list (no secret), rotate, rm", async () => {
    const added = await entrepot(
      "subscriptions",
      "add",
      "--url",
      "https://example.org/hook",
      "--company",
      "NVDA",
      "--min-severity",
      "warning",
      "--json",
    );
    expect(added.code).toBe(0);
    const sub = JSON.parse(added.stdout) as { id: string; secret: string; filters: { companies: string[]; minSeverity: string } };
    expect(sub.secret).toMatch(/^whsec_/);
    expect(sub.filters).toMatchObject({ companies: ["NVDA"], minSeverity: "warning" });
    const listed = await entrepot("subscriptions", "list", "--json");
    expect(listed.stdout).toContain(sub.id);
    expect(listed.stdout).not.toContain(sub.secret);
    // rotate: a new secret, shown once; the old one keeps signing for the grace period
    const before = Date.now();
    const rotated = await entrepot("subscriptions", "rotate", sub.id, "--grace-hours", "2");
    expect(rotated.code).toBe(0);
    const newSecret = /secret \(shown once\): (whsec_\S+)/.exec(rotated.stdout)?.[1];
    expect(newSecret).toMatch(/^whsec_/);
    expect(newSecret).not.toBe(sub.secret);
    const until = Date.parse(/previous secret signs too until (\S+)/.exec(rotated.stdout)?.[1] ?? "");
    expect(until - before).toBeGreaterThanOrEqual(2 * 3_600_000 - 1000);
    expect(until - before).toBeLessThan(2 * 3_600_000 + 60_000);
    const relisted = (await entrepot("subscriptions", "list", "--json")).stdout;
    expect(relisted).not.toContain(sub.secret);
    expect(relisted).not.toContain(newSecret);
    expect((await entrepot("subscriptions", "rotate", "no-such-id")).code).toBe(1);
    expect((await entrepot("subscriptions", "rm", sub.id)).code).toBe(0);
    expect((await entrepot("subscriptions", "rm", sub.id)).code).toBe(1);
    // never a plain-text secret: without a (strong) key the command refuses, naming the variable and how to make one
    const { ENTREPOT_SECRET_KEY: _key, ...withoutKey } = env;
    for (const e of [withoutKey, { ...env, ENTREPOT_SECRET_KEY: "s".repeat(40) }]) {
      const refused = await entrepotWith(e, "subscriptions", "add", "--url", "https://example.org/hook");
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain("ENTREPOT_SECRET_KEY");
    }
    expect((await entrepotWith({ ...env, ENTREPOT_SECRET_KEY: "s".repeat(40) }, "subscriptions", "list")).stderr).toContain(
      "openssl rand -base64 32",
    );
  });

  it("runs the demo end to end: both feeds, three verified webhooks, balanced reconciliations, clean shutdown", {
    timeout: 180_000,
  }, async () => {
    const demo = await entrepot("demo");
    expect(demo.code).toBe(0);
    expect(demo.stdout).toContain("every signature verified");
    expect(demo.stdout).toMatch(/\[warning\] Singapore's share of NVDA revenue rose to 22\.0% in FY2025-Q3/);
    expect(demo.stdout).toMatch(/Singapore was billed 22\.0% of NVDA revenue in FY2025-Q3 but recorded 9\.5% of the customs imports/);
    expect(demo.stdout).toContain("consistent with an invoicing hub");
    expect(demo.stdout.match(/balanced: {2}yes/g)).toHaveLength(2);
    expect(demo.stdout).toContain("rejects:   bad_number=1");
    expect(demo.stdout).toContain("Webhooks received in total: 3");
    expect(demo.stdout).toContain("Services stopped: normalizer exit 0, detector exit 0, notifier exit 0");
  });

  it("refuses bad usage and bad configuration with a clear message", async () => {
    const usage = await entrepot("ingest", "x.csv", "--feed", "sales");
    expect(usage.code).toBe(2);
    expect(usage.stderr).toBe(
      "entrepot: error: option '--feed <feed>' argument 'sales' is invalid. Allowed choices are revenue, customs.\nsee 'entrepot ingest --help'\n",
    );
    const bad = await exec(process.execPath, ["--import", "tsx", main, "topics", "create"], {
      cwd: repoRoot,
      env: { ...env, REDIS_URL: "localhost:6379" },
    }).catch((e: { code: number; stderr: string }) => e);
    expect(bad).toMatchObject({ code: 2 });
    expect((bad as { stderr: string }).stderr).toContain("REDIS_URL");
  });
});

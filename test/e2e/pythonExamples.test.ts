import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import {
  createTopics,
  DEMO_RULES,
  DEMO_RULES_FILE,
  ingest,
  NVDA_REVENUE,
  type RunningService,
  SG_HUB_CUSTOMS,
  startPipelineServices,
  stopServices,
} from "@entrepot/cli";
import { SubscriptionStore } from "@entrepot/delivery";
import { createKafka, readTopicToEnd } from "@entrepot/kafka";
import { createLogger } from "@entrepot/runtime";
import { Alert, Composition, RevenueClean, TOPIC_CATALOG, topicName } from "@entrepot/schemas";
import { repoRoot, uniquePrefix, waitFor } from "@entrepot/testkit";
import { generateSecret, signedHeaders } from "@entrepot/webhooks";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";

const EXAMPLES = resolve(repoRoot, "examples/python");

interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a Python example to its end (killed after `timeoutMs`). */
function runPython(python: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs = 60_000): Promise<Finished> {
  return new Promise((done, fail) => {
    const child = spawn(python, args, { cwd: EXAMPLES, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.once("error", fail);
    child.once("close", (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr });
    });
  });
}

/** The JSON lines of a file the examples wrote (none when it does not exist yet). */
function jsonLines<T>(file: string): T[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as T);
}

interface KeptWebhook {
  webhookId: string;
  receivedAt: string;
  payload: { type: string; timestamp: string; data: unknown };
}

interface ConsumedRecord {
  topic: string;
  partition: number;
  offset: number;
  key: string;
  value: unknown;
}

/**
 * The Python examples against the real pipeline: normalizer, detector (demo watch list) and
 * notifier as processes on a unique prefix, the sample revenue and customs files ingested,
 * webhook_receiver.py subscribed to NVDA's alerts, consumer.py reading what the pipeline wrote.
 */
describe("Python examples: consumer.py and webhook_receiver.py", () => {
  const brokers = inject("kafkaBrokers").split(",");
  const prefix = uniquePrefix("py");
  const logger = createLogger({ name: "e2e-python", level: "warn" });
  const kafka = createKafka({ brokers, clientId: "e2e-python", logger });
  const dir = mkdtempSync(join(tmpdir(), "entrepot-python-"));
  const webhooksFile = join(dir, "webhooks.jsonl");
  const secret = generateSecret();
  let python: string;
  let redis: Redis;
  let receiver: ChildProcess;
  let receiverOut = "";
  let receiverUrl: string;
  let receiverExit: Promise<number | null>;
  let services: RunningService[] = [];

  beforeAll(async () => {
    // installs Debian's confluent-kafka and the venv .tools/py on the first run; only checks afterwards
    python = execFileSync("bash", [resolve(repoRoot, "infra/scripts/python.sh"), "--print-python"], { encoding: "utf8" }).trim();
    redis = new Redis(inject("redisUrl"));
    await createTopics(brokers, prefix, logger);

    receiver = spawn(python, ["webhook_receiver.py", "--port", "0", "--out", webhooksFile], {
      cwd: EXAMPLES,
      env: { ...process.env, ENTREPOT_WEBHOOK_SECRET: secret },
      stdio: ["ignore", "pipe", "pipe"],
    });
    receiverExit = new Promise((done) => receiver.once("exit", (code) => done(code)));
    receiver.stdout?.on("data", (d: Buffer) => {
      receiverOut += d.toString();
    });
    receiver.stderr?.on("data", (d: Buffer) => {
      receiverOut += d.toString();
    });
    receiverUrl = await waitFor(() => /^listening on (http:\/\/\S+)/m.exec(receiverOut)?.[1], {
      timeoutMs: 15_000,
      description: `webhook_receiver.py listening (output: ${receiverOut})`,
    });
    await new SubscriptionStore(redis, prefix).add({ url: receiverUrl, secret, filters: { companies: ["NVDA"], rules: [...DEMO_RULES] } });

    services = await startPipelineServices(repoRoot, {
      brokers,
      redisUrl: inject("redisUrl"),
      prefix,
      logDir: dir,
      settleMs: 1000,
      rulesFile: DEMO_RULES_FILE,
    });
  });

  afterAll(async () => {
    await stopServices(services);
    if (receiver && receiver.exitCode === null) receiver.kill("SIGKILL");
    redis?.disconnect();
  });

  it("webhook_receiver.py receives, verifies and keeps the notifier's alerts", async () => {
    await ingest(kafka, prefix, NVDA_REVENUE, "revenue");
    await ingest(kafka, prefix, SG_HUB_CUSTOMS, "customs");
    const kept = await waitFor(
      () => {
        const lines = jsonLines<KeptWebhook>(webhooksFile);
        const rules = new Set(lines.map((l) => Alert.parse(l.payload.data).rule));
        // the receiver appends, then prints
        const printed = lines.every((l) => receiverOut.includes(`verified ${l.webhookId} `));
        return DEMO_RULES.every((r) => rules.has(r)) && printed && lines;
      },
      { timeoutMs: 90_000, description: `a verified webhook for each of ${DEMO_RULES.join(", ")} in ${webhooksFile}` },
    );
    expect(kept.map((k) => Alert.parse(k.payload.data).rule).sort()).toEqual([...DEMO_RULES].sort());
    for (const k of kept) {
      const alert = Alert.parse(k.payload.data);
      expect(k.webhookId).toMatch(/^evt_/);
      expect(k.payload.type).toBe(`alert.${alert.status}`);
      expect(alert).toMatchObject({ entity: { company: "NVDA" }, region: "SG", period: "FY2025-Q3" });
      expect(alert.summary).toContain("22.0%");
      expect(receiverOut).toContain(`verified ${k.webhookId} alert.${alert.status} [${alert.severity}] ${alert.rule}: ${alert.summary}`);
    }
    expect(new Set(kept.map((k) => k.webhookId)).size).toBe(kept.length);
  });

  it("answers 401 to tampered, unsigned, wrongly signed or stale webhooks and keeps a webhook-id once", async () => {
    const before = jsonLines<KeptWebhook>(webhooksFile).length;
    const body = JSON.stringify({ type: "alert.fired", timestamp: new Date().toISOString(), data: { rule: "test", summary: "42.0%" } });
    const id = `evt_${prefix}test`;
    const post = (payload: string, headers: Record<string, string>) =>
      fetch(receiverUrl, { method: "POST", body: payload, headers: { "content-type": "application/json", ...headers } }).then(
        (r) => r.status,
      );
    const signed = { ...signedHeaders([secret], id, body) };

    expect(await post(body.replace("42.0%", "24.0%"), signed)).toBe(401);
    expect(await post(body, {})).toBe(401);
    expect(await post(body, { ...signed, "webhook-signature": "v1,not-base64!" })).toBe(401);
    expect(await post(body, { ...signedHeaders([generateSecret()], id, body) })).toBe(401);
    expect(await post(body, { ...signedHeaders([secret], id, body, new Date(Date.now() - 10 * 60_000)) })).toBe(401);
    expect(jsonLines<KeptWebhook>(webhooksFile)).toHaveLength(before);

    expect(await post(body, signed)).toBe(204);
    expect(await post(body, signed)).toBe(200);
    // a rotation: the new secret and the old one both sign, the receiver knows the old one
    expect(await post(body, { ...signedHeaders([generateSecret(), secret], id, body) })).toBe(200);
    const after = jsonLines<KeptWebhook>(webhooksFile);
    expect(after).toHaveLength(before + 1);
    expect(after.at(-1)).toMatchObject({ webhookId: id, payload: JSON.parse(body) });
    expect(receiverOut).toContain(`duplicate ${id} (already received)`);
  });

  it("the services and webhook_receiver.py stop on SIGTERM", async () => {
    expect(await stopServices(services)).toEqual([0, 0, 0]);
    receiver.kill("SIGTERM");
    expect(await receiverExit).toBe(0);
  });

  it("consumer.py reads every clean record, share and alert the pipeline wrote, and the share table", async () => {
    // the services are stopped: the topics hold their final content, read here by kafkajs for comparison
    const onTopic = Object.fromEntries(
      await Promise.all(
        (["revenueClean", "shares", "alerts"] as const).map(
          async (k) => [TOPIC_CATALOG[k].name, await readTopicToEnd(kafka, topicName(prefix, k))] as const,
        ),
      ),
    );
    const out = join(dir, "records.jsonl");
    const run = await runPython(python, ["consumer.py", "--out", out, "--timeout", "60"], {
      KAFKA_BROKERS: brokers.join(","),
      ENTREPOT_TOPIC_PREFIX: prefix,
    });
    // 3 would mean invalid records (named on stderr)
    expect(run.code, run.stderr).toBe(0);
    const records = jsonLines<ConsumedRecord>(out);
    for (const [topic, messages] of Object.entries(onTopic)) {
      const read = records.filter((r) => r.topic === topic);
      expect(read.map((r) => `${r.partition}@${r.offset}`).sort(), topic).toEqual(messages.map((m) => `${m.partition}@${m.offset}`).sort());
      expect(read.map((r) => r.value)).toEqual(expect.arrayContaining(messages.map((m) => JSON.parse(m.value ?? ""))));
      expect(run.stdout).toContain(`${topic.padEnd(17)} ${String(read.length).padStart(5)} records`);
    }
    const clean = records.filter((r) => r.topic === "revenue.clean.v1").map((r) => RevenueClean.parse(r.value));
    expect(clean).toHaveLength(60);
    expect(clean.find((r) => r.fiscalPeriod === "FY2025-Q3" && r.region === "SG")?.revenueUsd).toBe(7_718_000_000);

    const sg = records
      .filter((r) => r.topic === "shares.v1")
      .map((r) => Composition.parse(r.value))
      .find((c) => c.entity.company === "NVDA" && c.period === "FY2025-Q3")
      ?.parts.find((p) => p.region === "SG");
    expect(sg?.share).toBeCloseTo(0.22, 3);
    const alertIds = records.filter((r) => r.topic === "alerts.v1").map((r) => Alert.parse(r.value).alertId);
    expect(alertIds).toEqual(expect.arrayContaining(["share_shift_yoy|NVDA|SG|FY2025-Q3", "level_shift|NVDA|SG|FY2024-Q1"]));

    // the summary: the share table computed from the clean records, which agrees with shares.v1
    expect(run.stdout).toMatch(/^ {2}NVDA FY2025-Q3 \(35,082\.0m USD\): United States 33\.0%, Singapore 22\.0%, /m);
    expect(run.stdout).toMatch(/^ {2}NVDA FY2023-Q3 \(5,931\.0m USD\): .*Singapore 9\.0%$/m);
    expect(run.stdout).toContain("shares.v1 and these shares agree (12 company-periods in both)");
    expect(run.stdout).toMatch(/^Alerts \(latest revision per alert id\): .*share_shift_yoy 1/m);
  });

  it("consumer.py stops after --max, fails on a timeout or a missing topic, refuses a bad environment", async () => {
    const env = { KAFKA_BROKERS: brokers.join(","), ENTREPOT_TOPIC_PREFIX: prefix };
    const three = await runPython(
      python,
      ["consumer.py", "--topic", "alerts.v1", "--max", "3", "--quiet", "--out", join(dir, "three.jsonl")],
      env,
    );
    expect(three.code).toBe(0);
    expect(jsonLines<ConsumedRecord>(join(dir, "three.jsonl"))).toHaveLength(3);

    const waiting = await runPython(
      python,
      ["consumer.py", "--topic", "alerts.v1", "--follow", "--max", "100000", "--timeout", "2", "--quiet"],
      env,
    );
    expect(waiting.code).toBe(1);
    expect(waiting.stderr).toContain("timed out after 2 s");

    const missing = await runPython(python, ["consumer.py", "--quiet"], { ...env, ENTREPOT_TOPIC_PREFIX: `${prefix}none.` });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(`topic ${prefix}none.revenue.clean.v1 does not exist`);

    const bad = await runPython(python, ["consumer.py"], { ...env, KAFKA_BROKERS: "not a broker list" });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("KAFKA_BROKERS");
  });

  it("records.py's own unit tests pass", async () => {
    const run = await runPython(python, ["-m", "unittest", "discover", "-s", "."], {});
    expect(run.stderr).toMatch(/^Ran \d+ tests/m);
    expect(run.code).toBe(0);
  });
});

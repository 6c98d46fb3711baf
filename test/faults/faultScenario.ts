import { mkdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { createTopics, ingest, type RunningService, type ServiceName, spawnService, stopServices, waitReady } from "@entrepot/cli";
import { DeliveryAdmin, eventIdFor, RoutingState, SubscriptionStore } from "@entrepot/delivery";
import { DetectorState } from "@entrepot/detector";
import { consumerLag, createKafka, type IncomingMessage, type Kafka, readTopicToEnd, SERVICE_RETRY } from "@entrepot/kafka";
import { createLogger } from "@entrepot/runtime";
import { Alert, RawRecord, Rejection, topicName } from "@entrepot/schemas";
import { type Receiver, repoRoot, startReceiver, uniquePrefix, waitFor } from "@entrepot/testkit";
import { Redis } from "ioredis";
import { afterEach, expect, inject } from "vitest";
import { type FaultFeed, faultFeedIn, seededRandom } from "./faultFeed";
import { kafkaBrokersOf, type PrivateInfra, redisUrlOf } from "./privateInfra";
import {
  expectedDeliveries,
  type Figure,
  formatReconciliationTable,
  isActive,
  latestAlerts,
  reconcileKeys,
  type StageReconciliation,
  sameAlertContent,
} from "./reconciliation";
import "./provided";

/** What one ingest run reports (read, published, rejected). */
type IngestReport = Awaited<ReturnType<typeof ingest>>;

/** FAULTS_SEED moves every fault point (each scenario adds its own offset); printed with each table. */
export const SEED = Number(process.env.FAULTS_SEED ?? 7);

/** The three streaming services every scenario runs (the ingest is driven by the scenario itself). */
export const PIPELINE = ["normalizer", "detector", "notifier"] as const;
type PipelineService = (typeof PIPELINE)[number];

/** Consumer group and input topics of each streaming service (`<prefix>entrepot-<service>`). */
const INPUTS: Record<PipelineService, readonly ("revenueRaw" | "customsRaw" | "revenueClean" | "customsClean" | "alerts")[]> = {
  normalizer: ["revenueRaw", "customsRaw"],
  detector: ["revenueClean", "customsClean"],
  notifier: ["alerts"],
};

/**
 * Service settings for the suite: short retry schedule (about 75 s of attempts), short BullMQ
 * lock so a killed notifier's job is retried within seconds, no per-subscriber rate limit. The
 * webhook timeout is the product's default (10 s): a subscriber that answers after the timeout
 * gets the webhook again under the same webhook-id (at-least-once, docs/delivery.md), and on a
 * loaded 2-core machine a 2 s timeout made such re-sends of answered webhooks (counted as duplicates).
 */
const SERVICE_ENV = {
  ENTREPOT_SETTLE_MS: "1000",
  ENTREPOT_WEBHOOK_ALLOW: "127.0.0.1/32",
  ENTREPOT_RETRY_SCHEDULE_MS: "0,500,1000,2000,3000,4000,5000,5000,5000,5000,5000,5000,5000,5000,5000,5000,5000,5000",
  ENTREPOT_WEBHOOK_TIMEOUT_MS: "10000",
  ENTREPOT_DELIVERY_LOCK_MS: "3000",
  ENTREPOT_INHIBITION_HOLD_MS: "1000",
  ENTREPOT_SUBSCRIPTION_RATE_PER_S: "0",
  ENTREPOT_SUBSCRIPTION_IN_FLIGHT: "8",
  LOG_LEVEL: "info",
};

interface Instance {
  service: ServiceName;
  running: RunningService;
  /** set before a kill or stop the scenario intends, so the supervisor does not count or restart it */
  planned: boolean;
}

/** What a run ended with: the reconciliation table (printed) and what the assertions need. */
export interface ScenarioResult {
  stages: Record<"raw" | "clean" | "rejects" | "rejectReasons" | "alerts" | "webhooks" | "subscriberView", StageReconciliation>;
  /** webhook-ids answered 2xx more than once, with the time of their first arrival */
  duplicateWebhooks: { webhookId: string; firstAt: number }[];
  unplannedExits: string[];
  /** chunk files ingested again after a failed ingest (their raw rows may repeat) */
  retriedChunks: string[];
  table: string;
}

/**
 * One fault scenario on the suite's private broker and Redis: its own topic prefix, a webhook
 * receiver subscribed to every alert, the three services as supervised processes (an exit nobody
 * asked for is counted and the service restarted, as `restart: unless-stopped` would), the feed
 * ingested chunk by chunk with hooks between chunks, and a reconciliation of every stage.
 */
export class FaultScenario {
  readonly prefix: string;
  readonly random: () => number;
  readonly feed: FaultFeed;
  readonly infra: PrivateInfra;
  readonly kafka: Kafka;
  private readonly ingestKafka: Kafka;
  readonly t0 = Date.now();
  private readonly figures: Figure[] = [];
  private readonly instances = new Map<string, Instance>();
  private readonly unplanned: string[] = [];
  private readonly reports: IngestReport[] = [];
  private readonly logDir: string;
  private readonly env: NodeJS.ProcessEnv;
  private closing = false;
  private subscriptionId = "";
  /** chunk files ingested again after a failed ingest */
  readonly retriedChunks = new Set<string>();
  private ingestDoneAt: number | undefined;
  private recoveryFrom: { label: string; at: number } | undefined;

  private constructor(
    readonly name: string,
    seed: number,
    readonly redis: Redis,
    readonly receiver: Receiver,
  ) {
    this.infra = JSON.parse(inject("faultInfra")) as PrivateInfra;
    this.prefix = uniquePrefix(`faults-${name}`);
    this.random = seededRandom(seed);
    this.feed = faultFeedIn(inject("faultFeedDir"));
    const logger = createLogger({ name: `faults-${name}`, level: "error" });
    this.kafka = createKafka({ brokers: [kafkaBrokersOf(this.infra)], clientId: `faults-${name}`, logger });
    // the ingest runs with the retry policy of `entrepot ingest` and the ingestor (a broker restart is ridden out)
    this.ingestKafka = createKafka({
      brokers: [kafkaBrokersOf(this.infra)],
      clientId: `faults-${name}-ingest`,
      logger,
      retry: SERVICE_RETRY,
    });
    // outside the infra folder, which teardown deletes: the logs of a failed run stay for a look
    this.logDir = join(tmpdir(), "entrepot-faults-logs", this.prefix.replace(/\.$/, ""));
    mkdirSync(this.logDir, { recursive: true });
    this.env = {
      ...process.env,
      ...SERVICE_ENV,
      KAFKA_BROKERS: kafkaBrokersOf(this.infra),
      REDIS_URL: redisUrlOf(this.infra),
      ENTREPOT_TOPIC_PREFIX: this.prefix,
    };
  }

  /** Topics, a subscription to every alert, and the three services, ready. */
  static async start(name: string, seed: number): Promise<FaultScenario> {
    const infra = JSON.parse(inject("faultInfra")) as PrivateInfra;
    const redis = new Redis(redisUrlOf(infra), { maxRetriesPerRequest: 50 });
    redis.on("error", () => undefined); // the Redis restart scenario drops this connection on purpose; commands retry
    const receiver = await startReceiver();
    const s = new FaultScenario(name, seed, redis, receiver);
    await createTopics([kafkaBrokersOf(infra)], s.prefix, createLogger({ name: "faults", level: "error" }));
    s.subscriptionId = (await new SubscriptionStore(redis, s.prefix).add({ url: receiver.url, filters: {} })).id;
    await Promise.all(PIPELINE.map((service) => s.spawn(service)));
    s.mark("services ready");
    return s;
  }

  /** Milliseconds since the scenario started, for the timeline. */
  now(): number {
    return Date.now() - this.t0;
  }

  mark(label: string, at = this.now()): void {
    this.figures.push({ label, value: `+${(at / 1000).toFixed(1)} s` });
  }

  figure(label: string, value: string): void {
    this.figures.push({ label, value });
  }

  /** Starts `service` as instance `id` (default: the service's name) and waits until it is ready. */
  async spawn(service: ServiceName, id: string = service): Promise<void> {
    const running = await spawnService(repoRoot, service, { env: this.env, logFile: join(this.logDir, `${id}.log`) });
    const instance: Instance = { service, running, planned: false };
    this.instances.set(id, instance);
    void running.exited.then((code) => {
      if (instance.planned || this.closing) return;
      this.unplanned.push(`${id} exited ${code} at +${(this.now() / 1000).toFixed(1)} s`);
      // a supervisor restarts it; a failure to restart shows up as a timeout and in the table
      if (this.instances.get(id) === instance) void this.spawn(service, id).catch(() => undefined);
    });
    await waitReady(running, 120_000);
  }

  private instance(id: string): Instance {
    const i = this.instances.get(id);
    if (!i) throw new Error(`no instance ${id}`);
    return i;
  }

  /** kill -9 of instance `id`; resolves once it is gone, with the time of the kill (epoch ms). */
  async kill(id: string): Promise<number> {
    const i = this.instance(id);
    i.planned = true;
    const at = Date.now();
    i.running.child.kill("SIGKILL");
    await i.running.exited;
    this.mark(`kill -9 ${id}`, at - this.t0);
    return at;
  }

  /** Starts instance `id` of `service` again (as a supervisor would) and marks recovery from now; resolves when ready. */
  async restart(id: string, service: ServiceName = this.instance(id).service): Promise<void> {
    const at = this.now();
    this.mark(`restart ${id}`, at);
    this.markRecoveryFrom(`restart of ${id}`, at);
    await this.spawn(service, id);
    this.figure(`${id} restart -> ready`, `${((this.now() - at) / 1000).toFixed(1)} s`);
  }

  /** SIGTERM to instance `id` (a graceful leave); resolves with its exit code. */
  async stop(id: string): Promise<number | null> {
    const i = this.instance(id);
    i.planned = true;
    const [code] = await stopServices([i.running]);
    this.instances.delete(id);
    return code ?? null;
  }

  /** Recovery is measured from here to the first moment every group's lag is 0 once the feed is in. */
  markRecoveryFrom(label: string, at = this.now()): void {
    this.recoveryFrom = { label, at };
  }

  /** Messages the group of `service` has committed on its input topics (its progress). */
  async committed(service: PipelineService): Promise<number> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const offsets = await admin.fetchOffsets({
        groupId: `${this.prefix}entrepot-${service}`,
        topics: INPUTS[service].map((t) => topicName(this.prefix, t)),
      });
      return offsets.flatMap((t) => t.partitions).reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
    } finally {
      await admin.disconnect();
    }
  }

  /** Messages on a topic of the run (sum of its partitions' end offsets). */
  async messagesOn(topic: "revenueClean" | "alerts" | "rejects"): Promise<number> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const offsets = await admin.fetchTopicOffsets(topicName(this.prefix, topic));
      return offsets.reduce((sum, o) => sum + Number(o.high), 0);
    } finally {
      await admin.disconnect();
    }
  }

  async lag(service: PipelineService): Promise<number> {
    return consumerLag(
      this.kafka,
      `${this.prefix}entrepot-${service}`,
      INPUTS[service].map((t) => topicName(this.prefix, t)),
    );
  }

  /**
   * Ingests the feed chunk by chunk (each an ingest run, as the ingestor does per file); after
   * chunk i has been acknowledged, `hooks[i]` runs before the next chunk is read (a fault goes
   * there: awaited until it is in place, e.g. the broker down, then the stream goes on).
   */
  async ingestFeed(hooks: Record<number, () => Promise<void>> = {}): Promise<void> {
    for (const [i, file] of this.feed.files.entries()) {
      this.reports.push(await this.ingestChunk(i, file));
      await hooks[i]?.();
    }
    this.ingestDoneAt = this.now();
    this.mark("feed ingested", this.ingestDoneAt);
  }

  /**
   * One chunk, ingested as the ingestor's inbox watcher does a file: when the ingest fails (its
   * producer gave up), the whole file is ingested again, at most `attempts` times. A retry is a
   * figure in the table and makes the raw rows published before the failure appear twice.
   */
  private async ingestChunk(i: number, file: string, attempts = 5): Promise<IngestReport> {
    for (let attempt = 1; ; attempt++) {
      const started = this.now();
      try {
        return await ingest(this.ingestKafka, this.prefix, file, "revenue");
      } catch (err) {
        const e = err as Error;
        this.retriedChunks.add(basename(file));
        this.figure(
          `ingest of chunk ${i} failed (attempt ${attempt})`,
          `+${(started / 1000).toFixed(1)} s to +${(this.now() / 1000).toFixed(1)} s: ${e.name}: ${e.message}`,
        );
        if (attempt >= attempts)
          throw new Error(`${this.name}: ingest of chunk ${i} failed ${attempts} times\n${this.timeline()}`, { cause: e });
      }
    }
  }

  /** Waits until `check` holds, naming what is awaited in the timeout error. */
  waitFor<T>(description: string, check: () => Promise<T | undefined | false>, timeoutMs = 120_000): Promise<T> {
    return waitFor(check, { timeoutMs, intervalMs: 250, description: `${this.name}: ${description}` });
  }

  private expectedAlerts(): Alert[] {
    return readFileSync(inject("faultExpectedAlerts"), "utf8")
      .split("\n")
      .filter((l) => l.trim() !== "")
      .map((l) => Alert.parse(JSON.parse(l)));
  }

  /** What the subscriber knows of each alert: the highest revision it answered 2xx to. */
  private receivedAlerts(): Map<string, Alert> {
    const out = new Map<string, Alert>();
    for (const r of this.receiver.requests) {
      if (r.status < 200 || r.status > 299) continue;
      const body = JSON.parse(r.body) as { data?: unknown };
      const parsed = Alert.safeParse(body.data);
      // webhooks are not ordered: a subscriber keeps the highest revision it received
      const prev = parsed.success ? out.get(parsed.data.alertId) : undefined;
      if (parsed.success && (!prev || parsed.data.revision >= prev.revision)) out.set(parsed.data.alertId, parsed.data);
    }
    return out;
  }

  /**
   * Waits until the pipeline has converged (every group's lag 0 once the feed is in, every alert a
   * subscriber must receive received with its final content), recording when the lag first hit 0
   * after the recovery mark. Gives up after `timeoutMs` without failing: the reconciliation then
   * shows what is missing.
   */
  async settle(timeoutMs = 90_000, viewTimeoutMs = 30_000): Promise<void> {
    const { must } = expectedDeliveries(this.expectedAlerts());
    let lagZeroAt: number | undefined;
    let deliveredAt: number | undefined;
    const converged = await waitFor(
      async () => {
        if (lagZeroAt === undefined) {
          const lags = await Promise.all(PIPELINE.map((s) => this.lag(s)));
          if (lags.every((l) => l === 0)) lagZeroAt = this.now();
        }
        if (deliveredAt === undefined) {
          const got = this.receivedAlerts();
          if (must.every((a) => got.has(a.alertId) && sameAlertContent(got.get(a.alertId) as Alert, a))) deliveredAt = this.now();
        }
        return lagZeroAt !== undefined && deliveredAt !== undefined;
      },
      { timeoutMs, intervalMs: 250, description: `${this.name}: convergence` },
    ).catch((err: Error) => err);
    if (converged instanceof Error) this.figure("NOT CONVERGED", converged.message);
    // then what the subscriber was told last about every alert it heard of must catch up with alerts.v1
    // (retractions of alerts fired on a partial history included), once the pipeline is quiet: no
    // scope left for the detector to evaluate, no delivery job waiting (a non-critical revision is
    // held for the inhibition hold first); reading the topic is slow: poll gently
    const viewAt =
      converged instanceof Error
        ? undefined
        : await waitFor(async () => (await this.quiet()) && (await this.staleViews()).length === 0 && this.now(), {
            timeoutMs: viewTimeoutMs,
            intervalMs: 2000,
            description: `${this.name}: subscriber view`,
          }).catch(() => undefined);
    if (viewAt !== undefined) this.mark("subscriber view = alerts.v1", viewAt);
    if (lagZeroAt !== undefined) this.mark("every lag 0", lagZeroAt);
    if (deliveredAt !== undefined) this.mark("every webhook received", deliveredAt);
    if (this.recoveryFrom && lagZeroAt !== undefined)
      this.figure(`recovery (${this.recoveryFrom.label} -> lag 0)`, `${((lagZeroAt - this.recoveryFrom.at) / 1000).toFixed(1)} s`);
    if (this.recoveryFrom && deliveredAt !== undefined)
      this.figure(`recovery (${this.recoveryFrom.label} -> webhooks)`, `${((deliveredAt - this.recoveryFrom.at) / 1000).toFixed(1)} s`);
  }

  /** Nothing in flight after the topics: the detector has no dirty scope, the delivery queue no pending job. */
  private async quiet(): Promise<boolean> {
    const state = new DetectorState(this.redis, this.prefix);
    if ((await state.dirty.list()).length > 0 || (await state.customsDirty.list()).length > 0) return false;
    const admin = new DeliveryAdmin(this.redis, this.prefix);
    try {
      const c = await admin.counts();
      return c.waiting + c.active + c.delayed === 0;
    } finally {
      await admin.close();
    }
  }

  /** The latest revision of each alert on alerts.v1. */
  private async finalAlerts(): Promise<Map<string, Alert>> {
    return latestAlerts(parsed(Alert, await readTopicToEnd(this.kafka, topicName(this.prefix, "alerts"), 60_000)));
  }

  /** Alerts whose last content the subscriber received is not their final state on alerts.v1. */
  private async staleViews(final?: Map<string, Alert>): Promise<{ told: Alert; final: Alert | undefined }[]> {
    const latest = final ?? (await this.finalAlerts());
    return [...this.receivedAlerts().values()]
      .map((told) => ({ told, final: latest.get(told.alertId) }))
      .filter(({ told, final: f }) => f === undefined || !sameAlertContent(told, f));
  }

  /** Why a few stale views are stale: what was told, what is final, and the notifier's routing outcome of the final revision. */
  private async explainStale(stale: readonly { told: Alert; final: Alert | undefined }[]): Promise<string[]> {
    const routing = new RoutingState(this.redis, this.prefix);
    const outcomes = new Map((await routing.outcomes(this.subscriptionId)).map((o) => [o.eventId, o]));
    return stale.slice(0, 5).map(({ told, final }) => {
      if (!final) return `${told.alertId}: told ${told.status} r${told.revision}, not on alerts.v1`;
      const o = outcomes.get(eventIdFor(final));
      const outcome = o ? `${o.outcome}${o.reason ? ` (${o.reason})` : ""}` : "no routing outcome";
      return `${told.alertId} [${final.severity}]: told ${told.status} r${told.revision}, final ${final.status} r${final.revision}: ${outcome}`;
    });
  }

  /** Reads every topic of the run to its end and compares each stage with the feed, key by key. */
  async reconcile(): Promise<ScenarioResult> {
    const read = (t: "revenueRaw" | "revenueClean" | "rejects" | "alerts") => readTopicToEnd(this.kafka, topicName(this.prefix, t), 60_000);
    const [raw, clean, rejects, alerts] = await Promise.all([read("revenueRaw"), read("revenueClean"), read("rejects"), read("alerts")]);
    const position = (p: { file?: string | undefined; line?: number | undefined } | undefined) => `${p?.file ?? "?"}:${p?.line ?? "?"}`;
    const dead = parsed(Rejection, rejects);
    // rows of the feed carry their provenance; poison messages published straight to a topic do not
    const feedRejects = dead.filter((r) => r.provenance?.file !== undefined);
    const { feed } = this;
    const expectedRaw = feed.rowPositions.filter((p) => feed.rejects.get(p)?.stage !== "ingest");
    // a dead letter found with another reason than the row was written to have is not the expected one
    const rightReason = feedRejects.filter((r) => feed.rejects.get(position(r.provenance))?.reason === r.reason);

    const expected = this.expectedAlerts();
    const onlineAlerts = parsed(Alert, alerts);
    const finalOnline = latestAlerts(onlineAlerts);
    const offline = new Map(expected.map((a) => [a.alertId, a]));
    const alertFound = [...finalOnline.values()]
      .filter((a) => isActive(a) && (!offline.has(a.alertId) || sameAlertContent(a, offline.get(a.alertId) as Alert)))
      .map((a) => a.alertId);
    const alertRevisions = onlineAlerts.map((a) => `${a.alertId}#${a.revision}`);

    const { must, may } = expectedDeliveries(expected);
    const got = this.receivedAlerts();
    const delivered = [...got.values()].filter((a) => !offline.has(a.alertId) || sameAlertContent(a, offline.get(a.alertId) as Alert));
    const ok = this.receiver.requests.filter((r) => r.status >= 200 && r.status <= 299);
    const firstAt = new Map<string, number>();
    const ids = ok.map((r) => {
      const id = String(r.headers["webhook-id"]);
      if (!firstAt.has(id)) firstAt.set(id, r.receivedAt);
      return id;
    });
    const inhibitable = new Set(may.map((a) => a.alertId));
    const webhooks = reconcileKeys(
      "webhooks (alert ids; dup = webhook-id)",
      must.map((a) => a.alertId),
      delivered.map((a) => a.alertId).filter((id) => !inhibitable.has(id)),
      { duplicatesOf: ids },
    );

    // what the subscriber was told last about each alert it heard of must be the alert's final state
    const stale = await this.staleViews(finalOnline);
    const staleIds = new Set(stale.map((v) => v.told.alertId));
    for (const line of await this.explainStale(stale)) this.figure("stale view", line);
    const stages = {
      raw: reconcileKeys(
        "raw (file:line)",
        expectedRaw,
        parsed(RawRecord, raw).map((r) => position(r.provenance)),
      ),
      clean: reconcileKeys(
        "clean (natural key)",
        feed.cleanKeys,
        clean.map((m) => m.key ?? "?"),
      ),
      rejects: reconcileKeys(
        "rejects (file:line)",
        feed.rejects.keys(),
        feedRejects.map((r) => position(r.provenance)),
      ),
      rejectReasons: reconcileKeys(
        "rejects with the written reason",
        feed.rejects.keys(),
        rightReason.map((r) => position(r.provenance)),
      ),
      alerts: reconcileKeys("alerts (final = offline analyze)", offline.keys(), alertFound, { duplicatesOf: alertRevisions }),
      webhooks,
      subscriberView: reconcileKeys(
        "subscriber view (last received = final)",
        got.keys(),
        [...got.keys()].filter((id) => !staleIds.has(id)),
      ),
    };
    const duplicateWebhooks = webhooks.duplicatedKeys.map((webhookId) => ({ webhookId, firstAt: firstAt.get(webhookId) ?? 0 }));
    this.figure("ingest", this.ingestSummary());
    this.figure("inhibitable alerts received", `${delivered.filter((a) => inhibitable.has(a.alertId)).length} of ${may.length}`);
    this.figure("unplanned exits", this.unplanned.length === 0 ? "none" : this.unplanned.join("; "));
    this.figure("service logs", this.logDir);
    const table = formatReconciliationTable(`${this.name} (prefix ${this.prefix})`, Object.values(stages), this.figures);
    console.log(table);
    return { stages, duplicateWebhooks, unplannedExits: [...this.unplanned], retriedChunks: [...this.retriedChunks], table };
  }

  /** The figures so far, one a line (for an error raised before the table). */
  timeline(): string {
    return this.figures.map((f) => `  ${f.label}  ${f.value}`).join("\n");
  }

  private ingestSummary(): string {
    const sum = (k: "read" | "published" | "rejected") => this.reports.reduce((n, r) => n + r[k], 0);
    return `${this.reports.length} runs: read ${sum("read")} = published ${sum("published")} + rejected ${sum("rejected")}`;
  }

  /** SIGTERM to every service (exit codes returned), receiver and connections closed. */
  close(): Promise<(number | null)[]> {
    this.closed ??= this.shutDown();
    return this.closed;
  }

  private closed: Promise<(number | null)[]> | undefined;

  private async shutDown(): Promise<(number | null)[]> {
    this.closing = true;
    const running = [...this.instances.values()];
    for (const i of running) i.planned = true;
    const codes = await stopServices(running.map((i) => i.running));
    await this.receiver.close();
    this.redis.disconnect();
    return codes;
  }
}

/** The messages that match `schema` (poison messages a scenario published do not, and are checked by it). */
function parsed<T>(
  schema: { safeParse(v: unknown): { success: true; data: T } | { success: false } },
  messages: readonly IncomingMessage[],
): T[] {
  return messages.flatMap((m) => {
    let json: unknown;
    try {
      json = JSON.parse(m.value ?? "");
    } catch {
      return [];
    }
    const r = schema.safeParse(json);
    return r.success ? [r.data] : [];
  });
}

export interface LosslessOptions {
  /**
   * Kafka stages are at-least-once: a consumer killed (or cut off) between its outputs and its
   * offset commit re-publishes them. Clean records are then dropped as duplicates by the revision
   * gate unless the kill came before the gate's record; dead letters are re-published. Allowed only
   * where the scenario kills or cuts off a consumer.
   */
  kafkaDuplicates?: boolean;
  /**
   * A notifier killed after a POST and before recording it re-sends with the same webhook-id
   * (docs/delivery.md: subscribers de-duplicate on it). Set to the time its replacement was started
   * (epoch ms; the killed one was the only notifier until then, and a POST it sent just before the
   * signal can reach the receiver's handler after it): a duplicate whose first copy arrived after it
   * was sent twice by the new notifier, a bug.
   */
  webhookResentBefore?: number;
}

/**
 * The suite's verdict: nothing lost at any stage, no alert active that the offline analysis does
 * not raise, duplicates only where the scenario's fault explains them.
 */
export function expectLossless(result: ScenarioResult, options: LosslessOptions = {}): void {
  const { stages } = result;
  const lost = Object.values(stages).map((s) => [s.stage, s.lost, s.lostKeys.slice(0, 5)]);
  expect(lost, result.table).toEqual(Object.values(stages).map((s) => [s.stage, 0, []]));
  // the idempotent producer never duplicates a row; only a chunk ingested again after a failed ingest repeats rows
  expect(
    stages.raw.duplicatedKeys.filter((k) => !result.retriedChunks.includes(k.slice(0, k.lastIndexOf(":")))),
    result.table,
  ).toEqual([]);
  expect(result.unplannedExits, result.table).toEqual([]);
  // alerts.v1 converges to the offline analysis: no alert raised on part of a history stays active
  expect(stages.alerts.extraKeys, result.table).toEqual([]);
  if (!options.kafkaDuplicates) {
    expect(stages.clean.duplicatedKeys, result.table).toEqual([]);
    expect(stages.rejects.duplicatedKeys, result.table).toEqual([]);
  }
  const { webhookResentBefore } = options;
  const unexplained = result.duplicateWebhooks.filter((d) => webhookResentBefore === undefined || d.firstAt >= webhookResentBefore);
  expect(unexplained, result.table).toEqual([]);
}

/**
 * For a describe block: `start(name, seed)` starts a scenario, and every scenario started is closed
 * after its test (services stopped, receiver and connections closed) unless the test closed it.
 */
export function faultScenarios(): { start(name: string, seed: number): Promise<FaultScenario> } {
  const open: FaultScenario[] = [];
  afterEach(async () => {
    for (const s of open.splice(0)) await s.close();
  });
  return {
    start: async (name, seed) => {
      const s = await FaultScenario.start(name, seed);
      open.push(s);
      return s;
    },
  };
}

import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import { z } from "zod";

/** Label values of a metric with label names `L` (unset labels are left out of the sample). */
export type Labels<L extends string> = Partial<Record<L, string>>;

/**
 * The pipeline metrics every service shares (the Grafana dashboard and docs/operations.md name
 * them): records in/out/rejected/dropped per stage, feed and reason; consumer batch durations and
 * lag; alerts; webhook deliveries; BullMQ queue depth.
 */
export const METRIC = {
  recordsIn: "entrepot_records_in_total",
  recordsOut: "entrepot_records_out_total",
  recordsRejected: "entrepot_records_rejected_total",
  recordsDropped: "entrepot_records_dropped_total",
  batchDuration: "entrepot_batch_duration_seconds",
  consumerLag: "entrepot_consumer_lag",
  alerts: "entrepot_alerts_total",
  deliveryDuration: "entrepot_delivery_duration_seconds",
  queueJobs: "entrepot_queue_jobs",
} as const;

/** Counts of one stage for one feed, as served on `/stats`: in = out + rejected + dropped for the normalizer. */
export const FeedCounts = z.object({
  in: z.number(),
  out: z.number(),
  rejected: z.number(),
  dropped: z.number(),
  rejectedByReason: z.record(z.string(), z.number()),
  droppedByReason: z.record(z.string(), z.number()),
});
export type FeedCounts = z.infer<typeof FeedCounts>;

/** The `/stats` JSON of a service: its stage counters per stage and feed (a record for programs, unlike `/metrics`). */
export const ServiceStats = z.object({
  stages: z.record(z.string(), z.record(z.string(), FeedCounts)),
});
export type ServiceStats = z.infer<typeof ServiceStats>;

/** The record counters of one pipeline stage (ingest, normalize, detect, notify). */
export interface StageCounters {
  /** records consumed (or read) */
  in(feed: string, by?: number): void;
  /** records published downstream */
  out(feed: string, by?: number): void;
  /** records dead-lettered, by reason */
  rejected(feed: string, reason: string, by?: number): void;
  /** records consumed on purpose without any output (e.g. a duplicate), by reason */
  dropped(feed: string, reason: string, by?: number): void;
}

type StageLabel = "stage" | "feed";
type ReasonLabel = StageLabel | "reason";

/** One process's Prometheus registry (prom-client), with the shared pipeline metrics already defined. */
export class Metrics {
  readonly registry = new Registry();
  readonly recordsIn: Counter<StageLabel>;
  readonly recordsOut: Counter<StageLabel>;
  readonly recordsRejected: Counter<ReasonLabel>;
  readonly recordsDropped: Counter<ReasonLabel>;
  /** time to handle one consumed batch (one partition), by stage */
  readonly batchDuration: Histogram<"stage">;
  /** messages behind the high watermark, per consumed partition (the consumer's own position) */
  readonly consumerLag: Gauge<"group" | "topic" | "partition">;
  readonly alerts: Counter<"rule" | "severity" | "status">;
  /** one webhook POST (an attempt), by outcome */
  readonly deliveryDuration: Histogram<"outcome">;
  private readonly queues = new Map<string, { read: () => Promise<Record<string, number>>; onError: (err: Error) => void }>();
  private defaultsStarted = false;

  constructor() {
    const registers = [this.registry];
    const counter = <L extends string>(name: string, help: string, labelNames: L[]) =>
      new Counter<L>({ name, help, labelNames, registers });
    this.recordsIn = counter(METRIC.recordsIn, "records consumed or read, by stage and feed", ["stage", "feed"]);
    this.recordsOut = counter(METRIC.recordsOut, "records published downstream, by stage and feed", ["stage", "feed"]);
    this.recordsRejected = counter(METRIC.recordsRejected, "records dead-lettered, by stage, feed and reason", ["stage", "feed", "reason"]);
    this.recordsDropped = counter(
      METRIC.recordsDropped,
      "records consumed without any output on purpose (duplicates), by stage, feed and reason",
      ["stage", "feed", "reason"],
    );
    this.alerts = counter(METRIC.alerts, "alert changes published, by rule, severity and status", ["rule", "severity", "status"]);
    this.batchDuration = new Histogram({
      name: METRIC.batchDuration,
      help: "seconds to handle one consumed batch, outputs acknowledged, by stage",
      labelNames: ["stage"],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.consumerLag = new Gauge({
      name: METRIC.consumerLag,
      help: "messages between the consumer's position and the partition's high watermark",
      labelNames: ["group", "topic", "partition"],
      registers,
    });
    this.deliveryDuration = new Histogram({
      name: METRIC.deliveryDuration,
      help: "seconds of one webhook POST, by outcome (delivered, failed, refused)",
      labelNames: ["outcome"],
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    });
    const queues = this.queues;
    new Gauge<"queue" | "state">({
      name: METRIC.queueJobs,
      help: "jobs in a BullMQ queue, by queue and state (waiting, active, delayed, failed)",
      labelNames: ["queue", "state"],
      registers,
      async collect() {
        for (const [queue, { read, onError }] of queues) {
          try {
            for (const [state, value] of Object.entries(await read())) this.set({ queue, state }, value);
          } catch (err) {
            onError(err as Error);
          }
        }
      },
    });
  }

  /** Node.js process metrics (CPU, memory, event loop lag, GC, handles): call once in a service process. */
  collectDefaults(): void {
    if (this.defaultsStarted) return;
    this.defaultsStarted = true;
    collectDefaultMetrics({ register: this.registry });
  }

  /** A service-specific counter (the same name returns the same counter). */
  counter<L extends string = never>(name: string, help: string, labelNames: readonly L[] = []): (labels?: Labels<L>, by?: number) => void {
    const existing = this.registry.getSingleMetric(name);
    const counter =
      existing instanceof Counter
        ? (existing as Counter<L>)
        : new Counter<L>({ name, help, labelNames: [...labelNames], registers: [this.registry] });
    return (labels = {}, by = 1) => counter.inc(labels as Record<L, string>, by);
  }

  /** A service-specific histogram (the same name returns the same histogram); `buckets` in the metric's unit. */
  histogram<L extends string = never>(
    name: string,
    help: string,
    buckets: readonly number[],
    labelNames: readonly L[] = [],
  ): (value: number, labels?: Labels<L>) => void {
    const existing = this.registry.getSingleMetric(name);
    const histogram =
      existing instanceof Histogram
        ? (existing as Histogram<L>)
        : new Histogram<L>({ name, help, labelNames: [...labelNames], buckets: [...buckets], registers: [this.registry] });
    return (value, labels = {}) => histogram.observe(labels as Record<L, string>, value);
  }

  /** A service-specific gauge without labels, read when scraped (`read` returns its current value). */
  gauge(name: string, help: string, read: () => number): void {
    if (this.registry.getSingleMetric(name)) return;
    new Gauge({
      name,
      help,
      registers: [this.registry],
      collect() {
        this.set(read());
      },
    });
  }

  /**
   * Reports a job queue's depth (`entrepot_queue_jobs{queue,state}`), read when scraped: `read`
   * returns counts by state (waiting, active, delayed, failed). A failing read keeps the previous
   * values and goes to `onError`, so /metrics still answers while Redis is away.
   */
  queueDepth(queue: string, read: () => Promise<Record<string, number>>, onError: (err: Error) => void): void {
    this.queues.set(queue, { read, onError });
  }

  /** The record counters of one stage. */
  stage(stage: string): StageCounters {
    return {
      in: (feed, by = 1) => this.recordsIn.inc({ stage, feed }, by),
      out: (feed, by = 1) => this.recordsOut.inc({ stage, feed }, by),
      rejected: (feed, reason, by = 1) => this.recordsRejected.inc({ stage, feed, reason }, by),
      dropped: (feed, reason, by = 1) => this.recordsDropped.inc({ stage, feed, reason }, by),
    };
  }

  /** Sum of a metric's samples whose labels include `labels` (0 when none). */
  async value(name: string, labels: Record<string, string> = {}): Promise<number> {
    const metric = this.registry.getSingleMetric(name);
    if (!metric) return 0;
    const { values } = await metric.get();
    return values
      .filter((v) => Object.entries(labels).every(([k, want]) => String(v.labels[k]) === want))
      .reduce((sum, v) => sum + v.value, 0);
  }

  /** The stage counters as a JSON record per stage and feed (served on `/stats`). */
  async stats(): Promise<ServiceStats> {
    const stages: ServiceStats["stages"] = {};
    const entry = (stage: string, feed: string): FeedCounts => {
      const byFeed = stages[stage] ?? {};
      stages[stage] = byFeed;
      const counts = byFeed[feed] ?? { in: 0, out: 0, rejected: 0, dropped: 0, rejectedByReason: {}, droppedByReason: {} };
      byFeed[feed] = counts;
      return counts;
    };
    const each = async (counter: Counter<string>, add: (counts: FeedCounts, value: number, reason: string) => void) => {
      for (const { labels, value } of (await counter.get()).values) {
        add(entry(String(labels.stage), String(labels.feed)), value, String(labels.reason));
      }
    };
    await each(this.recordsIn, (c, v) => {
      c.in += v;
    });
    await each(this.recordsOut, (c, v) => {
      c.out += v;
    });
    await each(this.recordsRejected, (c, v, reason) => {
      c.rejected += v;
      c.rejectedByReason[reason] = (c.rejectedByReason[reason] ?? 0) + v;
    });
    await each(this.recordsDropped, (c, v, reason) => {
      c.dropped += v;
      c.droppedByReason[reason] = (c.droppedByReason[reason] ?? 0) + v;
    });
    return { stages };
  }

  /** Prometheus text exposition of every metric. */
  render(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}

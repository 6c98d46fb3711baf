import { Queue } from "bullmq";
import type { Redis } from "ioredis";
import { DeliveryJobData, deliveryQueueName } from "./deliveryJobs";

export interface FailedDelivery {
  jobId: string;
  kind: DeliveryJobData["kind"];
  subscriptionId: string;
  eventId: string;
  alertId?: string;
  attempts: number;
  failedAt?: string;
  reason: string;
}

/** The failed set of the delivery queue, for operators: list, replay one, replay all, recover since a time; the queue's counts. */
export class DeliveryAdmin {
  private readonly queue: Queue;
  private readonly connection: Redis;

  constructor(redis: Redis, topicPrefix: string) {
    this.connection = redis.duplicate({ maxRetriesPerRequest: null });
    this.queue = new Queue(deliveryQueueName(topicPrefix), { connection: this.connection });
  }

  async failed(limit = 1000): Promise<FailedDelivery[]> {
    const jobs = await this.queue.getFailed(0, limit - 1);
    return jobs.map((job) => {
      const data = DeliveryJobData.parse(job.data);
      return {
        jobId: String(job.id),
        kind: data.kind,
        subscriptionId: data.subscriptionId,
        eventId: data.eventId,
        ...(data.kind === "alert" ? { alertId: data.alertId } : {}),
        attempts: job.attemptsMade,
        ...(job.finishedOn ? { failedAt: new Date(job.finishedOn).toISOString() } : {}),
        reason: job.failedReason,
      };
    });
  }

  /** Moves one failed job back to waiting; false when there is no such failed job. */
  async retry(jobId: string): Promise<boolean> {
    const job = await this.queue.getJob(jobId);
    if (!job || !(await job.isFailed())) return false;
    await job.retry("failed");
    return true;
  }

  /** Replays every failed job (or those that failed at or after `since`); returns how many. */
  async retryAll(since?: Date): Promise<number> {
    const jobs = await this.queue.getFailed(0, -1);
    let n = 0;
    for (const job of jobs) {
      if (since && (job.finishedOn ?? 0) < since.getTime()) continue;
      await job.retry("failed");
      n++;
    }
    return n;
  }

  /** How many delivery jobs are in each state of the queue (the failed ones exhausted their retries). */
  async counts(): Promise<{ waiting: number; active: number; delayed: number; failed: number; completed: number }> {
    const c = await this.queue.getJobCounts("waiting", "active", "delayed", "failed", "completed");
    return { waiting: c.waiting ?? 0, active: c.active ?? 0, delayed: c.delayed ?? 0, failed: c.failed ?? 0, completed: c.completed ?? 0 };
  }

  async close(): Promise<void> {
    await this.queue.close();
    this.connection.disconnect();
  }
}

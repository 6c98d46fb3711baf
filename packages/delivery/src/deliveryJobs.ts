import { Alert, DeliveryJob, deliveryJobId } from "@entrepot/schemas";
import { z } from "zod";

/** The notifier's BullMQ jobs: one alert to one subscription, or one digest window of a subscription. */
export const AlertDeliveryJob = DeliveryJob.extend({ kind: z.literal("alert"), alert: Alert });
export type AlertDeliveryJob = z.infer<typeof AlertDeliveryJob>;

export const DigestDeliveryJob = z.object({
  kind: z.literal("digest"),
  subscriptionId: z.string(),
  windowId: z.string(),
  /** webhook-id of the digest */
  eventId: z.string(),
});
export type DigestDeliveryJob = z.infer<typeof DigestDeliveryJob>;

export const DeliveryJobData = z.discriminatedUnion("kind", [AlertDeliveryJob, DigestDeliveryJob]);
export type DeliveryJobData = z.infer<typeof DeliveryJobData>;

export function jobIdFor(job: DeliveryJobData): string {
  return job.kind === "alert" ? deliveryJobId(job) : `digest/${job.subscriptionId}/${job.windowId}`;
}

/** BullMQ queue of delivery jobs for a topic prefix (the CLI's `deliveries` commands use the same name). */
export function deliveryQueueName(topicPrefix: string): string {
  return `${topicPrefix}entrepot-deliveries`.replace(/[^a-zA-Z0-9_-]/g, "_");
}

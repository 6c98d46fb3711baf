import { z } from "zod";
import { Severity } from "./alert";

export const Channel = z.enum(["webhook", "slack"]);
export type Channel = z.infer<typeof Channel>;

/** A subscriber: which alerts, and where to send them. */
export const Subscription = z.object({
  id: z.string().min(1),
  /** `webhook`: Standard Webhooks signed JSON; `slack`: incoming-webhook message for people */
  channel: Channel.default("webhook"),
  url: z.url({ protocol: /^https?$/ }),
  /** Standard Webhooks secret, `whsec_` + base64 */
  secret: z.string().regex(/^whsec_[A-Za-z0-9+/=]+$/, "expected whsec_<base64>"),
  /** secrets replaced by a rotation, still used to sign until their expiry */
  previousSecrets: z
    .array(z.object({ secret: z.string().regex(/^whsec_[A-Za-z0-9+/=]+$/, "expected whsec_<base64>"), expiresAt: z.string() }))
    .default([]),
  filters: z
    .object({
      companies: z.array(z.string()).default([]),
      regions: z.array(z.string()).default([]),
      rules: z.array(z.string()).default([]),
      /** HS code prefixes (e.g. "8471"), matched against the alert entity's `hs` */
      hsPrefixes: z.array(z.string().regex(/^\d{1,10}$/, "expected digits")).default([]),
      minSeverity: Severity.default("info"),
    })
    .default({ companies: [], regions: [], rules: [], hsPrefixes: [], minSeverity: "info" }),
  enabled: z.boolean().default(true),
  /** why delivery stopped, e.g. "410 Gone" */
  disabledReason: z.string().optional(),
  createdAt: z.string(),
  updatedAt: z.string().optional(),
});
export type Subscription = z.infer<typeof Subscription>;

/** One BullMQ job: deliver one revision of one alert to one subscription. */
export const DeliveryJob = z.object({
  alertId: z.string(),
  revision: z.number().int().positive(),
  subscriptionId: z.string(),
  /** stable event id sent as webhook-id */
  eventId: z.string(),
});
export type DeliveryJob = z.infer<typeof DeliveryJob>;

export function deliveryJobId(j: Pick<DeliveryJob, "alertId" | "subscriptionId" | "revision">): string {
  // BullMQ job ids must not contain ':' (reserved for its key layout), so use '/' as separator
  return `${j.alertId}/${j.subscriptionId}/${j.revision}`.replace(/:/g, "_");
}

import { z } from "zod";

/** What happened to one event for one subscription; persisted so restarts remember. */
export const RoutingOutcome = z.object({
  outcome: z.enum(["queued", "grouped", "delivered", "silenced", "inhibited", "unchanged", "failed", "refused", "disabled"]),
  subscriptionId: z.string(),
  eventId: z.string(),
  alertIds: z.array(z.string()),
  at: z.string(),
  reason: z.string().optional(),
});
export type RoutingOutcome = z.infer<typeof RoutingOutcome>;

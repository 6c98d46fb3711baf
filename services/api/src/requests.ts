import { NewSilence } from "@entrepot/delivery";
import { Severity } from "@entrepot/schemas";
import { webhookSecretProblem } from "@entrepot/webhooks";
import { z } from "zod";

const Channel = z.enum(["webhook", "slack"]);

const Filters = z
  .object({
    companies: z.array(z.string().min(1)).optional(),
    regions: z.array(z.string().min(1)).optional(),
    rules: z.array(z.string().min(1)).optional(),
    hsPrefixes: z.array(z.string().regex(/^\d{1,10}$/, "expected digits")).optional(),
    minSeverity: Severity.optional(),
  })
  .strict();

const Secret = z.string().superRefine((secret, ctx) => {
  const problem = webhookSecretProblem(secret);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
});
const Url = z.url({ protocol: /^https?$/, error: "expected an http(s) URL" });

/** POST /v1/subscriptions */
export const CreateSubscriptionRequest = z
  .object({ channel: Channel.optional(), url: Url, secret: Secret.optional(), filters: Filters.optional() })
  .strict();

/** PATCH /v1/subscriptions/:id */
export const UpdateSubscriptionRequest = z
  .object({
    channel: Channel.optional(),
    url: Url.optional(),
    secret: Secret.optional(),
    enabled: z.boolean().optional(),
    filters: Filters.optional(),
  })
  .strict();

/** POST /v1/subscriptions/:id/rotate-secret: how long the old secret keeps signing (default 24 h, 0 = revoke now) */
export const RotateSecretRequest = z
  .object({
    graceSeconds: z
      .number()
      .int()
      .min(0)
      .max(30 * 86_400)
      .default(86_400),
  })
  .strict();

/** POST /v1/silences */
export const CreateSilenceRequest = NewSilence;

const Limit = z.coerce.number().int().min(1).max(500).default(100);

/** GET /v1/subscriptions query: `limit` (default 100) and the `nextCursor` of the previous page */
export const PageQuery = z.object({ limit: Limit, cursor: z.string().min(1).optional() }).strict();

/** GET /v1/silences query: a page, `all=true` includes expired silences */
export const SilencesQuery = PageQuery.extend({ all: z.enum(["true", "false"]).optional() }).strict();

/** GET /v1/alerts query */
export const AlertsQuery = z
  .object({
    company: z.string().min(1).optional(),
    region: z.string().min(1).optional(),
    rule: z.string().min(1).optional(),
    status: z.enum(["fired", "updated", "retracted", "resolved"]).optional(),
    minSeverity: Severity.optional(),
    limit: z.coerce.number().int().min(1).max(500).default(50),
    cursor: z.string().regex(/^\d+$/, "expected the nextCursor of a previous page").optional(),
  })
  .strict();

/** Drops keys whose value is undefined (exactOptionalPropertyTypes). */
export function defined<T extends Record<string, unknown>>(o: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as { [K in keyof T]: Exclude<T[K], undefined> };
}

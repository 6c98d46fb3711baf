import { AlertEntity, Composition, Severity } from "@entrepot/schemas";
import { z } from "zod";

/**
 * A composition as published on shares.v1 and kept by the shares read model, with the fields a
 * newer detector may add (such as `basis`) kept rather than stripped.
 */
export const ShareComposition = Composition.loose();
export type ShareComposition = z.infer<typeof ShareComposition>;

/** Revenue compositions published before they stated a basis are customer-billing-location shares. */
export const DEFAULT_REVENUE_BASIS = "billing";

/**
 * The basis of a composition's figures: its own `basis` field when it has one, `billing` for a
 * company's revenue without one, null for customs (whose entity names the flow instead).
 */
export function basisOf(c: ShareComposition): string | null {
  const stated = (c as { basis?: unknown }).basis;
  if (typeof stated === "string" && stated.length > 0) return stated;
  return c.entity.company !== undefined ? DEFAULT_REVENUE_BASIS : null;
}

/**
 * A notice about a series rather than an anomaly in it: a definition change (regions split,
 * merged, renamed), a basis change (billing location -> shipping destination), a data-quality
 * note. Read tolerantly: only a kind and a period are required, other fields are used when present.
 */
export const Notice = z.looseObject({
  kind: z.string().min(1),
  period: z.string().min(1),
  id: z.string().optional(),
  entity: AlertEntity.optional(),
  company: z.string().optional(),
  region: z.string().nullable().optional(),
  severity: Severity.optional(),
  summary: z.string().optional(),
  message: z.string().optional(),
  evidence: z.array(z.string()).optional(),
});
export type Notice = z.infer<typeof Notice>;

/** The notices of a list that parse; anything else is ignored (they only add markers). */
export function parseNotices(values: readonly unknown[]): Notice[] {
  return values.flatMap((v) => {
    const parsed = Notice.safeParse(v);
    return parsed.success ? [parsed.data] : [];
  });
}

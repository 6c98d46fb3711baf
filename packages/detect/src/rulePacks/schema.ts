import { z } from "zod";

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "expected an ISO date yyyy-mm-dd");

/**
 * A versioned rule pack: watched goods (HS codes, grouped in tiers) and destinations of concern,
 * each with the date from which it applies. Packs are data; `name@version` selects one in the
 * rules config (`rulePack`).
 */
export const RulePack = z
  .object({
    name: z.string().regex(/^[a-z0-9-]+$/, "expected a lower-case name with dashes"),
    version: z.string().regex(/^\d{4}\.\d+$/, "expected a version like 2025.1"),
    title: z.string().min(1),
    /** packs shipped here are illustrative summaries of public facts, not legal advice */
    illustrative: z.boolean(),
    disclaimer: z.string().min(1),
    /** public sources the entries summarise */
    sources: z.array(z.string().min(1)).min(1),
    goods: z
      .array(
        z
          .object({
            hs: z.string().regex(/^\d{4,12}$/, "expected HS code digits"),
            description: z.string().min(1),
            tier: z.string().min(1),
            effectiveFrom: isoDate,
          })
          .strict(),
      )
      .min(1),
    destinations: z
      .array(
        z
          .object({
            country: z.string().regex(/^[A-Z]{2}$/, "expected ISO 3166 alpha-2 codes"),
            effectiveFrom: isoDate,
            note: z.string().min(1),
          })
          .strict(),
      )
      .min(1),
  })
  .strict()
  .refine((p) => new Set(p.goods.map((g) => g.hs)).size === p.goods.length, { message: "an HS code is listed twice" });
export type RulePack = z.infer<typeof RulePack>;

/** What a pack says applies on a date (or month `YYYY-MM`, read as its last day). */
export interface RulePackInEffect {
  hsPrefixes: string[];
  destinations: string[];
}

export function rulePackInEffect(pack: RulePack, date?: string): RulePackInEffect {
  const day = date === undefined ? "9999-12-31" : /^\d{4}-\d{2}$/.test(date) ? `${date}-31` : date;
  return {
    hsPrefixes: [...new Set(pack.goods.filter((g) => g.effectiveFrom <= day).map((g) => g.hs))].sort(),
    destinations: [...new Set(pack.destinations.filter((d) => d.effectiveFrom <= day).map((d) => d.country))].sort(),
  };
}

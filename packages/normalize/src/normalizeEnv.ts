import { z } from "zod";
import type { NormalizeOptions } from "./normalizeRecord";

/** `CUR=rate` pairs to USD, e.g. `EUR=1.08,TWD=0.031` -> `{ EUR: 1.08, TWD: 0.031 }` (empty: none). */
export const FxRates = z
  .string()
  .default("")
  .transform((text, ctx) => {
    const rates: Record<string, number> = {};
    for (const pair of text.split(",").filter((p) => p.trim() !== "")) {
      const m = /^\s*([A-Za-z]{3})\s*=\s*(\d+(?:\.\d+)?)\s*$/.exec(pair);
      if (!m || Number(m[2]) <= 0) {
        ctx.addIssue({ code: "custom", message: `expected CUR=rate pairs like EUR=1.08,TWD=0.031; got "${pair}"` });
        return z.NEVER;
      }
      rates[(m[1] as string).toUpperCase()] = Number(m[2]);
    }
    return rates;
  });

/**
 * The normalize stage's settings as environment variables. The normalizer service and the
 * offline commands (`entrepot normalize`, `entrepot analyze`) parse the same ones and turn them
 * into options with `normalizeOptions`, so a record normalizes the same way on both paths.
 */
export const NormalizeEnv = z.object({
  /** FX rates to USD for non-USD feeds */
  ENTREPOT_FX_TO_USD: FxRates,
});
export type NormalizeEnv = z.infer<typeof NormalizeEnv>;

/** The options `normalizeRecord` and `NormalizeStage` take, from the settings. */
export function normalizeOptions(env: NormalizeEnv): NormalizeOptions {
  return { fxToUsd: env.ENTREPOT_FX_TO_USD };
}

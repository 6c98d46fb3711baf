import { loadRulesFile } from "@entrepot/detect";
import { intFromEnv, ServiceEnv } from "@entrepot/runtime";
import { z } from "zod";

/** The detector's environment, for the service and for `main.ts rebuild`. */
export const DetectorEnv = ServiceEnv.extend({
  /** rules file (YAML or JSON); defaults for every rule when unset */
  ENTREPOT_RULES_FILE: z.string().min(1).optional(),
  /** overrides the share-shift rule's minimum year-on-year move, in percentage points */
  ENTREPOT_SHARE_SHIFT_PP: z.coerce.number().positive("expected a positive number of percentage points").optional(),
  ENTREPOT_SETTLE_MS: intFromEnv(0, 600_000).default(500),
}).superRefine((env, ctx) => {
  // a rules file that is missing or invalid fails the configuration (and --check-config), not the first batch
  if (env.ENTREPOT_RULES_FILE === undefined) return;
  try {
    loadRulesFile(env.ENTREPOT_RULES_FILE);
  } catch (err) {
    ctx.addIssue({ code: "custom", path: ["ENTREPOT_RULES_FILE"], message: (err as Error).message });
  }
});
export type DetectorEnv = z.infer<typeof DetectorEnv>;

import { intFromEnv, ServiceEnv } from "@entrepot/runtime";
import { z } from "zod";

/** The detector's environment, for the service and for `main.ts rebuild`. */
export const DetectorEnv = ServiceEnv.extend({
  /** rules file (YAML or JSON); defaults for every rule when unset */
  ENTREPOT_RULES_FILE: z.string().min(1).optional(),
  /** overrides the share-shift rule's minimum year-on-year move, in percentage points */
  ENTREPOT_SHARE_SHIFT_PP: z.coerce.number().positive("expected a positive number of percentage points").optional(),
  ENTREPOT_SETTLE_MS: intFromEnv(0, 600_000).default(1000),
});
export type DetectorEnv = z.infer<typeof DetectorEnv>;

import { EXPORT_CONTROLLED_ACCELERATORS_2024_1, EXPORT_CONTROLLED_ACCELERATORS_2025_1 } from "./exportControlledAccelerators";
import { RulePack } from "./schema";

export { RulePack, type RulePackInEffect, rulePackInEffect } from "./schema";

/** Every shipped pack, validated once at load: `name@version` -> pack. */
export const RULE_PACKS: ReadonlyMap<string, RulePack> = new Map(
  [EXPORT_CONTROLLED_ACCELERATORS_2024_1, EXPORT_CONTROLLED_ACCELERATORS_2025_1].map((data) => {
    const pack = RulePack.parse(data);
    return [`${pack.name}@${pack.version}`, pack] as const;
  }),
);

export class UnknownRulePackError extends Error {
  override name = "UnknownRulePackError";
}

/** A pack by `name@version` (exact version; no "latest", so a config never changes meaning silently). */
export function getRulePack(ref: string): RulePack {
  const pack = RULE_PACKS.get(ref);
  if (!pack) throw new UnknownRulePackError(`unknown rule pack ${ref}; known: ${[...RULE_PACKS.keys()].join(", ")}`);
  return pack;
}

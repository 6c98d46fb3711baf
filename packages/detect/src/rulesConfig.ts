import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { DEFAULT_CORROBORATION } from "./corroboration";
import { DEFAULT_MIRROR_GAP } from "./customs";
import { DEFAULT_DEFINITION_CHANGE } from "./definitionChange";
import { DEFAULT_DIVERGENCE } from "./divergence";
import { DEFAULT_LEVEL_SHIFT } from "./levelShift";
import { DEFAULT_REEXPORT_SURGE } from "./reexportSurge";
import { getRulePack, RULE_PACKS, rulePackInEffect } from "./rulePacks";
import { DEFAULT_SHARE_SHIFT } from "./shareShift";
import { DEFAULT_SHARE_STEP } from "./shareStep";

const pp = z.number().positive("expected a positive number of percentage points").max(100);
const periods = z.number().int().min(1).max(1000);
const hsCodes = z.array(z.string().regex(/^\d{2,12}$/, "expected HS code digits")).min(1);
const countries = z.array(z.string().regex(/^[A-Z]{2}$/, "expected ISO 3166 alpha-2 codes")).min(1);
const RULE_PACK_REF = /^[a-z0-9-]+@\d{4}\.\d+$/;

/**
 * A selected rule pack (`rulePack: name@version`) supplies the watched goods and destinations of
 * concern of the re-export surge and corroboration rules, unless the file sets them itself.
 */
function applyRulePack(input: unknown): unknown {
  if (typeof input !== "object" || input === null || Array.isArray(input)) return input;
  const raw = input as Record<string, unknown>;
  const ref = raw.rulePack;
  if (typeof ref !== "string" || !RULE_PACKS.has(ref)) return input;
  const full = getRulePack(ref);
  const pack = rulePackInEffect(full);
  const section = (name: string) => {
    const v = raw[name];
    return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  };
  const surge = section("reexportSurge");
  const corroboration = section("corroboration");
  return {
    ...raw,
    reexportSurge: {
      ...surge,
      hsPrefixes: surge.hsPrefixes ?? pack.hsPrefixes,
      destinations: surge.destinations ?? pack.destinations,
      group: surge.group ?? `goods of rule pack ${ref}`,
      controls: {
        pack: ref,
        goods: full.goods.map((g) => ({ hs: g.hs, effectiveFrom: g.effectiveFrom })),
        destinations: full.destinations.map((d) => ({ country: d.country, effectiveFrom: d.effectiveFrom })),
      },
    },
    corroboration: { ...corroboration, destinations: corroboration.destinations ?? pack.destinations },
  };
}

const RulesObject = z
  .object({
    version: z.literal(1).default(1),
    /** a versioned rule pack, `name@version` (packages/detect/src/rulePacks) */
    rulePack: z
      .string()
      .regex(RULE_PACK_REF, "expected name@version, e.g. export-controlled-accelerators@2025.1")
      .refine((ref) => RULE_PACKS.has(ref), { message: `unknown rule pack; known: ${[...RULE_PACKS.keys()].join(", ")}` })
      .optional(),
    /** companies whose billing is compared with shipping: products, origins, hubs */
    watchList: z
      .array(
        z
          .object({
            company: z.string().min(1),
            hubs: countries.default(["SG"]),
            hsCodes,
            origins: countries,
          })
          .strict(),
      )
      .default([]),
    /** basis of the figures, stated in every alert */
    basis: z.string().min(1).default("revenue by customer billing location"),
    compositions: z
      .object({
        minTotalUsd: z.number().nonnegative().default(1),
        /** regions must add up to a reported total within this fraction of it, else a total_mismatch notice */
        totalTolerance: z.number().min(0).max(1).default(0.002),
      })
      .strict()
      .default({ minTotalUsd: 1, totalTolerance: 0.002 }),
    shareStep: z
      .object({
        enabled: z.boolean().default(DEFAULT_SHARE_STEP.enabled),
        minStepPp: pp.default(DEFAULT_SHARE_STEP.minStepPp),
        k: z.number().nonnegative().default(DEFAULT_SHARE_STEP.k),
        window: periods.default(DEFAULT_SHARE_STEP.window),
        minHistory: periods.default(DEFAULT_SHARE_STEP.minHistory),
        floorPp: z.number().nonnegative().default(DEFAULT_SHARE_STEP.floorPp),
        minMoveUsd: z.number().nonnegative().default(DEFAULT_SHARE_STEP.minMoveUsd),
        criticalPp: pp.default(DEFAULT_SHARE_STEP.criticalPp),
        /** watched levels: `{ company: NVDA, region: SG, above: 20 }` (percent of the company's revenue) */
        crossings: z
          .array(
            z
              .object({ company: z.string().min(1), region: z.string().min(1), above: pp.optional(), below: pp.optional() })
              .strict()
              .refine((c) => c.above !== undefined || c.below !== undefined, { message: "a crossing needs above or below" }),
          )
          .default([]),
      })
      .strict()
      .refine((c) => c.minHistory < c.window, { message: "minHistory must be below window" })
      .default(DEFAULT_SHARE_STEP),
    shareShift: z
      .object({
        enabled: z.boolean().default(DEFAULT_SHARE_SHIFT.enabled),
        minShiftPp: pp.default(DEFAULT_SHARE_SHIFT.minShiftPp),
        confirmedShiftPp: pp.default(DEFAULT_SHARE_SHIFT.confirmedShiftPp),
        confirmZ: z.number().positive().default(DEFAULT_SHARE_SHIFT.confirmZ),
        minZ: z.number().positive().default(DEFAULT_SHARE_SHIFT.minZ),
        criticalShiftPp: pp.default(DEFAULT_SHARE_SHIFT.criticalShiftPp),
        window: periods.default(DEFAULT_SHARE_SHIFT.window),
        minHistory: periods.default(DEFAULT_SHARE_SHIFT.minHistory),
        sigmaFloor: z.number().positive().default(DEFAULT_SHARE_SHIFT.sigmaFloor),
      })
      .strict()
      .refine((c) => c.minHistory <= c.window, { message: "minHistory must not exceed window" })
      .default(DEFAULT_SHARE_SHIFT),
    levelShift: z
      .object({
        enabled: z.boolean().default(DEFAULT_LEVEL_SHIFT.enabled),
        referenceLength: z.number().int().min(2).max(100).default(DEFAULT_LEVEL_SHIFT.referenceLength),
        k: z.number().nonnegative().default(DEFAULT_LEVEL_SHIFT.k),
        h: z.number().positive().default(DEFAULT_LEVEL_SHIFT.h),
        clip: z.number().positive().default(DEFAULT_LEVEL_SHIFT.clip),
        minShiftPp: pp.default(DEFAULT_LEVEL_SHIFT.minShiftPp),
        criticalShiftPp: pp.default(DEFAULT_LEVEL_SHIFT.criticalShiftPp),
        sigmaFloor: z.number().positive().default(DEFAULT_LEVEL_SHIFT.sigmaFloor),
      })
      .strict()
      .default(DEFAULT_LEVEL_SHIFT),
    definitionChange: z
      .object({
        enabled: z.boolean().default(DEFAULT_DEFINITION_CHANGE.enabled),
        tolerancePp: pp.default(DEFAULT_DEFINITION_CHANGE.tolerancePp),
        toleranceFraction: z.number().min(0).max(1).default(DEFAULT_DEFINITION_CHANGE.toleranceFraction),
      })
      .strict()
      .default(DEFAULT_DEFINITION_CHANGE),
    mirrorGap: z
      .object({
        enabled: z.boolean().default(DEFAULT_MIRROR_GAP.enabled),
        cifFobMargin: z.number().min(0).max(1).default(DEFAULT_MIRROR_GAP.cifFobMargin),
        tolerance: z.number().positive().default(DEFAULT_MIRROR_GAP.tolerance),
        criticalGap: z.number().positive().default(DEFAULT_MIRROR_GAP.criticalGap),
        minValueUsd: z.number().nonnegative().default(DEFAULT_MIRROR_GAP.minValueUsd),
      })
      .strict()
      .default(DEFAULT_MIRROR_GAP),
    reexportSurge: z
      .object({
        enabled: z.boolean().default(DEFAULT_REEXPORT_SURGE.enabled),
        hsPrefixes: hsCodes.default(DEFAULT_REEXPORT_SURGE.hsPrefixes),
        group: z.string().min(1).default(DEFAULT_REEXPORT_SURGE.group),
        destinations: countries.default(DEFAULT_REEXPORT_SURGE.destinations),
        window: periods.default(DEFAULT_REEXPORT_SURGE.window),
        minHistory: periods.default(DEFAULT_REEXPORT_SURGE.minHistory),
        minRise: z.number().positive().default(DEFAULT_REEXPORT_SURGE.minRise),
        minSharePp: pp.default(DEFAULT_REEXPORT_SURGE.minSharePp),
        minImportRise: z.number().nonnegative().default(DEFAULT_REEXPORT_SURGE.minImportRise),
        minValueUsd: z.number().nonnegative().default(DEFAULT_REEXPORT_SURGE.minValueUsd),
        /** set from the selected rule pack (`rulePack`), not written by hand */
        controls: z
          .object({
            pack: z.string().regex(RULE_PACK_REF),
            goods: z.array(z.object({ hs: z.string(), effectiveFrom: z.string() }).strict()),
            destinations: z.array(z.object({ country: z.string(), effectiveFrom: z.string() }).strict()),
          })
          .strict()
          .optional(),
      })
      .strict()
      .default(DEFAULT_REEXPORT_SURGE),
    divergence: z
      .object({
        enabled: z.boolean().default(DEFAULT_DIVERGENCE.enabled),
        minGapPp: pp.default(DEFAULT_DIVERGENCE.minGapPp),
        criticalGapPp: pp.default(DEFAULT_DIVERGENCE.criticalGapPp),
        minImportsUsd: z.number().nonnegative().default(DEFAULT_DIVERGENCE.minImportsUsd),
        minMonthWeight: z.number().min(0).max(1).default(DEFAULT_DIVERGENCE.minMonthWeight),
      })
      .strict()
      .default(DEFAULT_DIVERGENCE),
    corroboration: z
      .object({
        enabled: z.boolean().default(DEFAULT_CORROBORATION.enabled),
        importRise: z.number().positive().default(DEFAULT_CORROBORATION.importRise),
        flatBand: z.number().positive().default(DEFAULT_CORROBORATION.flatBand),
        exportRise: z.number().positive().default(DEFAULT_CORROBORATION.exportRise),
        destinations: countries.default(DEFAULT_CORROBORATION.destinations),
        minMonthWeight: z.number().min(0).max(1).default(DEFAULT_CORROBORATION.minMonthWeight),
      })
      .strict()
      .default(DEFAULT_CORROBORATION),
  })
  .strict();

/** Rules and thresholds, as written in a rules file (YAML or JSON); every field has a default. */
export const RulesConfig = z.preprocess(applyRulePack, RulesObject);
export type RulesConfig = z.infer<typeof RulesObject>;

export const DEFAULT_RULES: RulesConfig = RulesConfig.parse({});

export class RulesConfigError extends Error {
  override name = "RulesConfigError";
}

/**
 * Parses a rules file's text (YAML, of which JSON is a subset). Errors name the field and the
 * file: `rules.yaml: shareShift.minShiftPp: expected a positive number of percentage points`.
 */
export function parseRulesConfig(text: string, source = "rules"): RulesConfig {
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (err) {
    throw new RulesConfigError(`${source}: not valid YAML or JSON: ${(err as Error).message.split("\n")[0]}`);
  }
  const parsed = RulesConfig.safeParse(data ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new RulesConfigError(`${source}: ${issue?.path.join(".") || "(top level)"}: ${issue?.message ?? "invalid"}`);
  }
  return parsed.data;
}

import { readFileSync } from "node:fs";
import { DEFAULT_RULES, parseRulesConfig, type RulesConfig, RulesConfigError } from "@entrepot/detect";
import { ConfigError } from "@entrepot/runtime";

/**
 * Rules from a YAML/JSON file (zod-validated; defaults when no file) with the optional
 * share-shift override applied. Unreadable or invalid files throw a ConfigError naming the file.
 */
export function loadRulesFile(file: string | undefined, shareShiftPp?: number): RulesConfig {
  let rules = DEFAULT_RULES;
  if (file) {
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch (err) {
      throw new ConfigError([`rules file ${file} cannot be read: ${(err as Error).message}`]);
    }
    try {
      rules = parseRulesConfig(text, file);
    } catch (err) {
      if (err instanceof RulesConfigError) throw new ConfigError([err.message]);
      throw err;
    }
  }
  return shareShiftPp === undefined ? rules : { ...rules, shareShift: { ...rules.shareShift, minShiftPp: shareShiftPp } };
}

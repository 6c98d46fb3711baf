import { readFileSync } from "node:fs";
import { DEFAULT_RULES, parseRulesConfig, type RulesConfig, RulesConfigError } from "./rulesConfig";

/**
 * Rules from a YAML/JSON file (zod-validated; the defaults when no file is given) with the
 * optional share-shift override applied. A file that cannot be read or is not valid rules throws
 * a RulesConfigError naming the file. Reads the local file only.
 */
export function loadRulesFile(file: string | undefined, shareShiftPp?: number): RulesConfig {
  let rules = DEFAULT_RULES;
  if (file) {
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch (err) {
      throw new RulesConfigError(`rules file ${file} cannot be read: ${(err as Error).message}`);
    }
    rules = parseRulesConfig(text, file);
  }
  return shareShiftPp === undefined ? rules : { ...rules, shareShift: { ...rules.shareShift, minShiftPp: shareShiftPp } };
}

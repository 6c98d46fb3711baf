import { resolve } from "node:path";
import { loadRulesFile, type RulesConfig, RulesConfigError } from "@entrepot/detect";
import { ConfigError } from "@entrepot/runtime";

/** The rules of `--rules <file>` (the defaults without one); a file that cannot be read or is invalid is a configuration error. */
export function rulesOption(file: string | undefined): RulesConfig {
  try {
    return loadRulesFile(file ? resolve(file) : undefined);
  } catch (err) {
    if (err instanceof RulesConfigError) throw new ConfigError([err.message]);
    throw err;
  }
}

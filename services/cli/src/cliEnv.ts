import { NormalizeEnv, type NormalizeOptions, normalizeOptions } from "@entrepot/normalize";
import { CommonEnv, loadConfig } from "@entrepot/runtime";

/** The CLI reads the same common environment as the services. */
export function cliConfig(env: NodeJS.ProcessEnv = process.env): CommonEnv {
  return loadConfig(CommonEnv, env);
}

/**
 * The normalize options of the offline commands, from the normalizer service's own settings
 * (`ENTREPOT_FX_TO_USD`) through the same parser, so `entrepot normalize` and `entrepot analyze`
 * convert currencies exactly as the streaming normalizer does.
 */
export function cliNormalizeOptions(env: NodeJS.ProcessEnv = process.env): NormalizeOptions {
  return normalizeOptions(loadConfig(NormalizeEnv, env));
}

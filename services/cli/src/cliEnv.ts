import { CommonEnv, loadConfig } from "@entrepot/runtime";

/** The CLI reads the same common environment as the services. */
export function cliConfig(env: NodeJS.ProcessEnv = process.env): CommonEnv {
  return loadConfig(CommonEnv, env);
}

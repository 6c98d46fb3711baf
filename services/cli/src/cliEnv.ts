import { NormalizeEnv, type NormalizeOptions, normalizeOptions } from "@entrepot/normalize";
import { CommonEnv, createLogger, type Logger, loadConfig } from "@entrepot/runtime";

/** The CLI reads the same common environment as the services. */
export function cliConfig(env: NodeJS.ProcessEnv = process.env): CommonEnv {
  return loadConfig(CommonEnv, env);
}

export interface CliRuntime {
  config: CommonEnv;
  /** JSON lines on stderr: stdout is the command's data */
  logger: Logger;
  /** for kafkajs: silent unless LOG_LEVEL is debug or trace (its retries are not the operator's news; the error is) */
  kafkaLogger: Logger;
  /** ENTREPOT_TOPIC_PREFIX */
  prefix: string;
}

/** Config and logger of a command that connects to Kafka or Redis; read when the command runs, never at import. */
export function cliRuntime(env: NodeJS.ProcessEnv = process.env): CliRuntime {
  const config = cliConfig(env);
  const logger = createLogger({
    name: "cli",
    level: config.LOG_LEVEL === "info" ? "warn" : config.LOG_LEVEL,
    destination: process.stderr,
  });
  const chatty = config.LOG_LEVEL === "debug" || config.LOG_LEVEL === "trace";
  const kafkaLogger = chatty ? logger : logger.child({}, { level: "silent" });
  return { config, logger, kafkaLogger, prefix: config.ENTREPOT_TOPIC_PREFIX };
}

/** Command output: one line on stdout. */
export function print(line: string): void {
  process.stdout.write(`${line}\n`);
}

/**
 * The normalize options of the offline commands, from the normalizer service's own settings
 * (`ENTREPOT_FX_TO_USD`) through the same parser, so `entrepot normalize` and `entrepot analyze`
 * convert currencies exactly as the streaming normalizer does.
 */
export function cliNormalizeOptions(env: NodeJS.ProcessEnv = process.env): NormalizeOptions {
  return normalizeOptions(loadConfig(NormalizeEnv, env));
}

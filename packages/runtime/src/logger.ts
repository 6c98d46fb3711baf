import pino from "pino";

export type Logger = pino.Logger;

export interface LoggerOptions {
  name: string;
  level?: string;
  /** Pretty output for people; default: only when stdout is a terminal. */
  pretty?: boolean;
  /** Where JSON lines go; default stdout. */
  destination?: pino.DestinationStream;
}

/** Paths never written to logs. */
export const REDACT_PATHS = [
  "secret",
  "*.secret",
  "*.*.secret",
  "headers.authorization",
  "*.headers.authorization",
  "apiKey",
  "*.apiKey",
  "password",
  "*.password",
];

export function createLogger(options: LoggerOptions): Logger {
  const pretty = options.pretty ?? (process.stdout.isTTY === true && options.destination === undefined);
  const base: pino.LoggerOptions = {
    name: options.name,
    level: options.level ?? "info",
    redact: { paths: REDACT_PATHS, censor: "[redacted]" },
  };
  if (options.destination) return pino(base, options.destination);
  if (pretty) {
    return pino({ ...base, transport: { target: "pino-pretty", options: { colorize: true, translateTime: "HH:MM:ss.l" } } });
  }
  return pino(base);
}

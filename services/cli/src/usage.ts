import { accessSync, constants, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { type Command, InvalidArgumentError, Option } from "commander";

/** A user's mistake found by a command (not by commander's parser): one line on stderr, exit 2. */
export class UsageError extends Error {
  override name = "UsageError";
}

/**
 * A path the user typed, made absolute against the directory the user ran the command from:
 * `pnpm entrepot` runs in the repository root and sets INIT_CWD to the caller's directory.
 */
export function userPath(value: string, env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.INIT_CWD || process.cwd(), value);
}

/**
 * Parsers for option and argument values. Each runs while commander parses the command line, before
 * any action, so a bad value is a usage error that never reaches Kafka or Redis. Paths come back absolute.
 */
export function existingFile(value: string): string {
  const path = userPath(value);
  const stat = statSync(path, { throwIfNoEntry: false });
  if (!stat) throw new InvalidArgumentError(`The file does not exist (${path}).`);
  if (stat.isDirectory()) throw new InvalidArgumentError(`It is a directory, not a file (${path}).`);
  if (!stat.isFile()) throw new InvalidArgumentError(`Not a regular file (${path}).`);
  try {
    accessSync(path, constants.R_OK);
  } catch {
    throw new InvalidArgumentError(`The file cannot be read: permission denied (${path}).`);
  }
  return path;
}

/** A file to write: its folder must exist and it must not be a directory (checked before the command reads anything). */
export function outputFile(value: string): string {
  const path = userPath(value);
  if (!statSync(dirname(path), { throwIfNoEntry: false })?.isDirectory())
    throw new InvalidArgumentError(`Its folder does not exist (${dirname(path)}).`);
  if (statSync(path, { throwIfNoEntry: false })?.isDirectory()) throw new InvalidArgumentError(`It is a directory (${path}).`);
  return path;
}

/** For variadic arguments (`<files...>`): commander hands each value with the values so far. */
export function existingFiles(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), existingFile(value)];
}

export function positiveNumber(value: string): number {
  const n = Number(value);
  if (!(n > 0) || !Number.isFinite(n)) throw new InvalidArgumentError("Expected a number greater than 0.");
  return n;
}

export function nonNegativeNumber(value: string): number {
  const n = Number(value);
  if (!(n >= 0) || !Number.isFinite(n) || value.trim() === "") throw new InvalidArgumentError("Expected a number >= 0.");
  return n;
}

export function positiveInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError("Expected an integer >= 1.");
  return n;
}

/** An ISO time (anything `Date.parse` reads), kept as given. */
export function isoTime(value: string): string {
  if (Number.isNaN(Date.parse(value))) throw new InvalidArgumentError("Expected an ISO time like 2025-01-31T12:00:00Z.");
  return value;
}

export function httpUrl(value: string): string {
  if (!URL.canParse(value)) throw new InvalidArgumentError("Expected a URL like http://127.0.0.1:9464/metrics.");
  return value;
}

/** `(value: string, previous: string[]) => string[]`: a repeatable option (`--company A --company B`). */
export function repeatable(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

const mandatory = new WeakSet<Option>();

/**
 * An option the command cannot run without. Unlike commander's requiredOption it is checked after
 * unknown options and arguments (by `checkRequiredOptions`), so `--ot x` is reported as an unknown
 * option (did you mean --out?) rather than as a missing --out.
 */
export function requiredOption(flags: string, description: string): Option {
  const option = new Option(flags, `${description} (required)`);
  mandatory.add(option);
  return option;
}

/** A preAction hook: a usage error when a `requiredOption` of the command about to run was not given. */
export function checkRequiredOptions(_program: Command, command: Command): void {
  for (const option of command.options)
    if (mandatory.has(option) && command.getOptionValue(option.attributeName()) === undefined)
      command.error(`error: required option '${option.flags}' not specified`, { exitCode: 2 });
}

/** Adds the `Examples:` section printed after a command's help; `lines` are what follows `entrepot `. */
export function examples(command: Command, ...lines: string[]): Command {
  return command.addHelpText("after", `\nExamples:\n${lines.map((l) => `  $ entrepot ${l}`).join("\n")}\n`);
}

/**
 * The command-line tokens of `command` as the user typed them after its name (global options such
 * as --verbose removed): what the modules that parse their own arguments (analyze, generate,
 * backtest, deliveries, silences) have always been handed.
 */
export function commandTokens(command: Command): string[] {
  let depth = 0;
  let root = command;
  while (root.parent) {
    depth++;
    root = root.parent;
  }
  return root.args.slice(depth);
}

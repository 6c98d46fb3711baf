import { ConfigError } from "@entrepot/runtime";
import { type Command, CommanderError } from "commander";
import { ZodError } from "zod";
import { AnalyzeUsageError } from "./analyze";
import { DeliveriesUsageError } from "./deliveries";
import { EXIT, OperationalError } from "./exitCodes";
import { GenerateUsageError } from "./generate";
import { UsageError } from "./usage";

export { EXIT, InfrastructureError, NoUsableRowError, OperationalError } from "./exitCodes";

export interface CliOutput {
  out: (text: string) => void;
  err: (text: string) => void;
}

const processOutput: CliOutput = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

/** A usage error with the command it belongs to (for the "see 'entrepot X --help'" hint). */
class CommandUsageError extends Error {
  constructor(
    message: string,
    readonly command: Command,
  ) {
    super(message);
  }
}

/** The exit code of the action that ran, per program. */
const actionCodes = new WeakMap<Command, number>();

function rootOf(command: Command): Command {
  let root = command;
  while (root.parent) root = root.parent;
  return root;
}

export function commandPath(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c; c = c.parent) names.unshift(c.name());
  return names.join(" ");
}

/** Every command of the program, the program first, then depth first. */
export function allCommands(program: Command): Command[] {
  return [program, ...program.commands.flatMap((c) => allCommands(c))];
}

function isModuleUsageError(err: unknown): err is Error {
  return (
    err instanceof UsageError ||
    err instanceof AnalyzeUsageError ||
    err instanceof GenerateUsageError ||
    err instanceof DeliveriesUsageError
  );
}

/**
 * Wraps a command's action: records its exit code, and turns the usage errors of the modules it calls
 * (UsageError, AnalyzeUsageError, GenerateUsageError, DeliveriesUsageError) into usage errors of the command.
 */
export function action<A extends unknown[]>(run: (...args: A) => Promise<number> | number): (...args: A) => Promise<void> {
  return async (...args: A) => {
    // commander passes the command itself last
    const command = args[args.length - 1] as Command;
    try {
      actionCodes.set(rootOf(command), await run(...args));
    } catch (err) {
      if (isModuleUsageError(err)) throw new CommandUsageError(err.message, command);
      throw err;
    }
  };
}

/** `DEBUG=entrepot` (or `*`, in a comma-separated list) shows stacks like --verbose. */
export function debugEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  return (env.DEBUG ?? "").split(/[\s,]+/).some((name) => name === "entrepot" || name === "*");
}

function oneLine(text: string): string {
  return text.trim().replace(/\s*\n\s*/g, " ");
}

/**
 * Parses `argv` (the user's arguments) with `program` and runs the chosen action; returns the exit code:
 * the action's, 0 for --help/--version, 2 for a usage error (one line, plus a hint to the command's
 * help), 2 for invalid configuration, an `OperationalError`'s code (3 Kafka/Redis unreachable,
 * 4 no usable row, 5 a group to stop first), 1 for anything unexpected (its message; the stack with
 * --verbose or DEBUG=entrepot). See exitCodes.ts.
 */
export async function runCli(program: Command, argv: readonly string[], output: CliOutput = processOutput): Promise<number> {
  for (const command of allCommands(program)) {
    command
      // errors are written below, once; commander's own stderr output is only the help it shows for a missing command
      .configureOutput({ writeOut: output.out, writeErr: () => {}, outputError: () => {} })
      .exitOverride((err) => {
        if (err.exitCode === 0) throw err; // --help, --version
        if (err.code === "commander.help") {
          // help({ error: true }): a command group without its sub-command, or `help <unknown>`
          const [first, unknown] = command.args;
          if (first === "help" && unknown) throw new CommandUsageError(`unknown command '${unknown}'`, command);
          const names = command.parent ? ` (${command.commands.map((c) => c.name()).join(", ")})` : "";
          throw new CommandUsageError(`missing command${names}`, command);
        }
        throw new CommandUsageError(err.message.replace(/^error: /, ""), command);
      });
  }
  const usage = (message: string, command: Command): number => {
    output.err(`entrepot: error: ${oneLine(message.replace(/\n\((.*)\)$/, " ($1)"))}\nsee '${commandPath(command)} --help'\n`);
    return 2;
  };
  try {
    await program.parseAsync([...argv], { from: "user" });
    return actionCodes.get(program) ?? 0;
  } catch (err) {
    if (err instanceof CommanderError && err.exitCode === 0) return 0;
    if (err instanceof CommandUsageError) return usage(err.message, err.command);
    if (err instanceof ConfigError) {
      // one line per invalid variable, as the services print it
      output.err(`entrepot: ${err.message}\n`);
      return 2;
    }
    if (err instanceof ZodError) {
      output.err(`entrepot: error: ${err.issues.map((i) => `${i.path.join(".") || "value"}: ${i.message}`).join("; ")}\n`);
      return 2;
    }
    if (err instanceof OperationalError) {
      // Kafka or Redis away (3), no usable row (4), a group to stop first (5): one line, the stack with --verbose
      output.err(verboseOn(program) ? `entrepot: ${withCauses(err)}\n` : `entrepot: ${oneLine(err.message)}\n`);
      return err.exitCode;
    }
    output.err(unexpected(err, program));
    return EXIT.failure;
  }
}

function verboseOn(program: Command): boolean {
  return program.opts<{ verbose?: boolean }>().verbose === true || debugEnabled();
}

/** An unexpected error: its message on one line; its stack and its causes' with --verbose or DEBUG=entrepot. */
function unexpected(err: unknown, program: Command): string {
  if (verboseOn(program) && err instanceof Error) return `entrepot: ${withCauses(err)}\n`;
  return `entrepot: ${oneLine(err instanceof Error ? err.message : String(err))}\n`;
}

/** An error's stack followed by each cause's (fetch's "fetch failed" says why only in its cause). */
function withCauses(err: Error): string {
  const parts = [err.stack ?? `${err.name}: ${err.message}`];
  const seen = new Set<unknown>([err]);
  for (let cause = err.cause; cause !== undefined && !seen.has(cause); cause = cause instanceof Error ? cause.cause : undefined) {
    seen.add(cause);
    parts.push(`cause: ${cause instanceof Error ? (cause.stack ?? cause.message) : String(cause)}`);
  }
  return parts.join("\n");
}

/**
 * For the process running `program`: an error no action awaited (an 'error' event nobody listens to,
 * a rejected promise nobody handles) is reported like any unexpected error, and the process exits 1.
 */
export function exitOnUncaught(program: Command, output: CliOutput = processOutput): void {
  process.on("uncaughtException", (err) => {
    output.err(unexpected(err, program));
    process.exit(1);
  });
}

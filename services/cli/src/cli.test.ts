import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import type { Command } from "commander";
import { afterEach, describe, expect, it, vi } from "vitest";
import { allCommands, commandPath, debugEnabled, runCli } from "./cliErrors";
import { buildProgram } from "./program";
import { commandTokens } from "./usage";

const cliRoot = resolve(import.meta.dirname, "..");
const repoRoot = resolve(cliRoot, "../..");
const SAMPLE = "services/cli/samples/nvda-revenue.csv";
const { version } = JSON.parse(readFileSync(join(cliRoot, "package.json"), "utf8")) as { version: string };

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real program in this process with its output captured. */
async function entrepot(argv: string[], program: Command = buildProgram(repoRoot)): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(program, argv, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, stdout: out.join(""), stderr: err.join("") };
}

/** The program with every action replaced by a recorder: proves which ran, and that none ran. */
function recordingProgram(): { program: Command; ran: string[] } {
  const program = buildProgram(repoRoot);
  const ran: string[] = [];
  for (const command of allCommands(program)) {
    if (command.commands.length === 0) command.action(() => void ran.push(commandPath(command)));
  }
  return { program, ran };
}

/** `entrepot topics create` -> ["topics", "create"] */
const argsOf = (command: Command) => commandPath(command).split(" ").slice(1);

/** A usage error: exactly the message line, then the hint to the command's help. */
const usageError = (path: string, message: string) => `entrepot: error: ${message}\nsee '${path} --help'\n`;

const commands = allCommands(buildProgram(repoRoot));

describe("every entrepot command", () => {
  it("is registered: every command of the CLI, with its sub-commands", () => {
    expect(commands.map(commandPath)).toEqual([
      "entrepot",
      "entrepot infra",
      "entrepot infra up",
      "entrepot infra down",
      "entrepot infra status",
      "entrepot topics",
      "entrepot topics create",
      "entrepot topics list",
      "entrepot ingest",
      "entrepot normalize",
      "entrepot analyze",
      "entrepot generate",
      "entrepot backtest",
      "entrepot detector",
      "entrepot detector rebuild",
      "entrepot run",
      "entrepot demo",
      "entrepot subscriptions",
      "entrepot subscriptions add",
      "entrepot subscriptions list",
      "entrepot subscriptions rm",
      "entrepot subscriptions rotate",
      "entrepot deliveries",
      "entrepot deliveries failed",
      "entrepot deliveries retry",
      "entrepot deliveries recover",
      "entrepot silences",
      "entrepot silences add",
      "entrepot silences list",
      "entrepot silences rm",
      "entrepot status",
      "entrepot dlq",
      "entrepot dlq list",
      "entrepot dlq show",
      "entrepot dlq replay",
      "entrepot replay",
      "entrepot schemas",
      "entrepot schemas export",
      "entrepot schemas asyncapi",
    ]);
  });

  describe.each(commands.map((c) => [commandPath(c), argsOf(c), c.description()] as const))("%s", (path, args, description) => {
    it("has a one-line description", () => {
      expect(description).toMatch(/^\S[^\n]+$/);
    });

    it.each(["--help", "-h"])("%s prints the usage and an example on stdout, exits 0 and runs nothing", async (flag) => {
      const { program, ran } = recordingProgram();
      const r = await entrepot([...args, flag], program);
      expect(r).toMatchObject({ code: 0, stderr: "" });
      expect(r.stdout).toMatch(new RegExp(`^Usage: ${path} `));
      expect(r.stdout.replace(/\s+/g, " ")).toContain(description);
      expect(r.stdout).toMatch(/\nExamples:\n {2}\$ entrepot \S/);
      expect(ran).toEqual([]);
    });

    it("refuses an unknown option: one line and the hint, exit 2, runs nothing", async () => {
      const { program, ran } = recordingProgram();
      const r = await entrepot([...args, "--bogus"], program);
      expect(r).toMatchObject({ code: 2, stdout: "" });
      expect(r.stderr).toBe(usageError(path, "unknown option '--bogus'"));
      expect(ran).toEqual([]);
    });
  });
});

describe("entrepot usage errors", () => {
  it.each([
    [
      ["ingest", "x.csv", "--feed", "sales"],
      "ingest",
      "option '--feed <feed>' argument 'sales' is invalid. Allowed choices are revenue, customs.",
    ],
    [["ingest", SAMPLE, "--format", "xml"], "ingest", "option '--format <format>' argument 'xml' is invalid. Allowed choices are"],
    [
      ["ingest", "nope.csv", "--feed", "revenue"],
      "ingest",
      `command-argument value 'nope.csv' is invalid for argument 'file'. The file does not exist (${repoRoot}/nope.csv).`,
    ],
    [["ingest", "services/cli/samples", "--feed", "revenue"], "ingest", "argument 'file'. It is a directory, not a file"],
    [
      ["ingest", SAMPLE, "--feed", "revenue", "--timeout", "soon"],
      "ingest",
      "option '--timeout <seconds>' argument 'soon' is invalid. Expected a number greater than 0.",
    ],
    [["ingest", SAMPLE, "--feed", "revenue", "--normalizer-metrics", "nowhere"], "ingest", "argument 'nowhere' is invalid. Expected a URL"],
    [
      ["ingest", SAMPLE, "--mapping", "no-mapping.json"],
      "ingest",
      "option '--mapping <file>' argument 'no-mapping.json' is invalid. The file does not exist",
    ],
    [
      ["ingest", SAMPLE, "--mapping", "package.json"],
      "ingest",
      "option '--mapping <file>' argument 'package.json' is invalid. invalid mapping file:",
    ],
    [["ingest"], "ingest", "missing required argument 'file'"],
    [["normalize", SAMPLE], "normalize", "required option '--out <file>' not specified"],
    [["normalize", SAMPLE, "--ot", "x.jsonl"], "normalize", "unknown option '--ot' (Did you mean --out?)"],
    [
      ["normalize", SAMPLE, "--out", "/no/such/folder/x.jsonl"],
      "normalize",
      "argument '/no/such/folder/x.jsonl' is invalid. Its folder does not exist (/no/such/folder).",
    ],
    [["normalize", SAMPLE, "--out", "services/cli"], "normalize", "argument 'services/cli' is invalid. It is a directory"],
    [
      ["analyze", SAMPLE, "missing.csv"],
      "analyze",
      "command-argument value 'missing.csv' is invalid for argument 'files'. The file does not exist",
    ],
    [
      ["analyze", SAMPLE, "--rules", "missing.yaml"],
      "analyze",
      "option '--rules <file>' argument 'missing.yaml' is invalid. The file does not exist",
    ],
    [["generate", "--seed", "1"], "generate", "required option '--out <dir>' not specified"],
    [["backtest", "--out", "/no/such/folder/report.md"], "backtest", "Its folder does not exist (/no/such/folder)."],
    [
      ["run", "web"],
      "run",
      "command-argument value 'web' is invalid for argument 'service'. Allowed choices are ingestor, normalizer, detector, notifier, api, all.",
    ],
    [["run"], "run", "missing required argument 'service'"],
    [["demo", "--file", "missing.csv"], "demo", "The file does not exist"],
    [["topics", "crate"], "topics", "unknown command 'crate' (Did you mean create?)"],
    [["topics"], "topics", "missing command (create, list)"],
    [["topics", "create", "now"], "topics create", "too many arguments for 'create'. Expected 0 arguments but got 1."],
    [[], "", "missing command"],
    [["nope"], "", "unknown command 'nope'"],
    [["help", "nope"], "", "unknown command 'nope'"],
    [["subscriptions", "add", "--company", "NVDA"], "subscriptions add", "required option '--url <url>' not specified"],
    [
      ["subscriptions", "add", "--url", "https://example.org/h", "--min-severity", "loud"],
      "subscriptions add",
      "Allowed choices are info, warning, critical.",
    ],
    [
      ["subscriptions", "add", "--url", "https://example.org/h", "--channel", "pager"],
      "subscriptions add",
      "Allowed choices are webhook, slack.",
    ],
    [["subscriptions", "rm"], "subscriptions rm", "missing required argument 'id'"],
    [["subscriptions", "rotate", "s1", "--grace-hours", "-1"], "subscriptions rotate", "argument '-1' is invalid. Expected a number >= 0."],
    [["deliveries", "recover"], "deliveries recover", "required option '--since <time>' not specified"],
    [["deliveries", "recover", "--since", "yesterday"], "deliveries recover", "argument 'yesterday' is invalid. Expected an ISO time"],
    [
      ["silences", "add", "--company", "NVDA", "--for", "2 weeks"],
      "silences add",
      `argument '2 weeks' is invalid. "2 weeks" is not a duration like 30m, 2h or 7d`,
    ],
    [["silences", "add", "--company", "NVDA", "--until", "later"], "silences add", "argument 'later' is invalid. Expected an ISO time"],
    [["silences", "rm"], "silences rm", "missing required argument 'id'"],
    [["dlq", "show", "--limit", "ten"], "dlq show", "option '--limit <n>' argument 'ten' is invalid. Expected an integer >= 1."],
    [["dlq", "list", "--reason", "bad_mood"], "dlq list", "argument 'bad_mood' is invalid. 'bad_mood' is not a reason code"],
    [["dlq", "replay", "--since", "tuesday"], "dlq replay", "argument 'tuesday' is invalid. Expected an ISO time"],
    [["dlq", "replay", "--mapping", "missing.json"], "dlq replay", "The file does not exist"],
    [["replay", "--from", "earliest"], "replay", "required option '--stage <stage>' not specified"],
    [["replay", "--stage", "ingestor", "--from", "earliest"], "replay", "Allowed choices are normalizer, detector, notifier."],
    [["replay", "--stage", "normalizer"], "replay", "required option '--from <from>' not specified"],
    [
      ["replay", "--stage", "normalizer", "--from", "yesterday"],
      "replay",
      "Expected earliest, an ISO time like 2025-01-31T12:00:00Z, or an offset.",
    ],
    [["status", "--interval", "0"], "status", "option '--interval <seconds>' argument '0' is invalid. Expected a number greater than 0."],
  ])("entrepot %j: one line, exit 2, runs nothing", async (argv, path, message) => {
    const { program, ran } = recordingProgram();
    const r = await entrepot(argv, program);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    const [line, hint, ...rest] = r.stderr.split("\n");
    expect(line).toMatch(/^entrepot: error: /);
    expect(line).toContain(message);
    expect(hint).toBe(`see '${["entrepot", path].filter(Boolean).join(" ")} --help'`);
    expect(rest).toEqual([""]);
    expect(ran).toEqual([]);
  });

  it.each([
    [
      ["ingest", SAMPLE],
      "ingest",
      "required option '--feed <feed>' not specified (revenue or customs; optional with --format or --mapping)",
    ],
    [["silences", "add", "--company", "NVDA"], "silences add", "silences add needs either --for or --until"],
    [["silences", "add", "--for", "2h"], "silences add", "silences add needs --company, --region or --rule"],
    [["deliveries", "retry"], "deliveries retry", "deliveries retry needs a job id or --all"],
    [["generate", "--seed", "one", "--out", "never-written"], "generate", "--seed must be an integer >= 0"],
    [["backtest", "--quarters", "4"], "backtest", "--quarters must be an integer >= 12"],
    [
      ["normalize", SAMPLE, "--out", "never-written.jsonl", "--rejects", "./never-written.jsonl"],
      "normalize",
      `--out and --rejects are the same file (${repoRoot}/never-written.jsonl): the records would overwrite each other`,
    ],
  ])("entrepot %j: checked by the command before it connects or writes: one line, exit 2", async (argv, path, message) => {
    const r = await entrepot(argv);
    expect(r).toEqual({ code: 2, stdout: "", stderr: usageError(`entrepot ${path}`, message) });
    expect(existsSync("never-written")).toBe(false);
    expect(existsSync("never-written.jsonl")).toBe(false);
  });
});

describe("entrepot", () => {
  afterEach(() => {
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
  });

  it.each([["--version"], ["-V"]])("%s prints the version of package.json", async (flag) => {
    expect(await entrepot([flag])).toEqual({ code: 0, stdout: `${version}\n`, stderr: "" });
  });

  it("help <command> prints that command's help", async () => {
    const r = await entrepot(["help", "ingest"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: entrepot ingest \[options\] <file>/);
  });

  it("hands the modules that parse their own arguments the tokens as typed, without global options", async () => {
    const program = buildProgram(repoRoot);
    let tokens: string[] = [];
    const backtest = program.commands.find((c) => c.name() === "backtest");
    backtest?.action((_options: unknown, command: Command) => {
      tokens = commandTokens(command);
    });
    expect((await entrepot(["--verbose", "backtest", "--out", "r.md", "--verbose", "--seed=3", "--companies", "24"], program)).code).toBe(
      0,
    );
    expect(tokens).toEqual(["--out", "r.md", "--seed=3", "--companies", "24"]);
  });

  it("runs a command and returns its exit code (generate writes the three files)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "entrepot-cli-"));
    const stdout: string[] = [];
    vi.spyOn(process.stdout, "write").mockImplementation((text) => stdout.push(String(text)) > 0);
    try {
      const r = await entrepot(["generate", "--seed", "2", "--companies", "4", "--quarters", "12", "--out", dir]);
      expect(r).toEqual({ code: 0, stdout: "", stderr: "" });
      expect(stdout.join("")).toMatch(/^wrote .*revenue\.csv.*: \d+ revenue rows \(4 companies x 12 quarters\)/);
      expect(existsSync(join(dir, "labels.json"))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("reports an unexpected error on one line, exit 1; with --verbose or DEBUG=entrepot with its stack", async () => {
    // nothing listens on port 1: the scrape before the ingest fails, before any Kafka connection
    const argv = ["ingest", SAMPLE, "--feed", "revenue", "--normalizer-metrics", "http://127.0.0.1:1/metrics"];
    const quiet = await entrepot(argv);
    expect(quiet).toEqual({ code: 1, stdout: "", stderr: "entrepot: fetch failed\n" });
    const verbose = await entrepot([...argv, "--verbose"]);
    expect(verbose.code).toBe(1);
    // the stack, then the cause's stack (the reason fetch failed)
    expect(verbose.stderr).toMatch(/^entrepot: TypeError: fetch failed\n(?:[\s\S]*\n)?cause: Error: [^\n]+\n {4}at /);
    vi.stubEnv("DEBUG", "kafkajs,entrepot");
    expect((await entrepot(argv)).stderr).toMatch(/^entrepot: TypeError: fetch failed\n(?:[\s\S]*\n)?cause: Error: [^\n]+\n {4}at /);
  });

  it("reports invalid configuration naming the variable, exit 2", async () => {
    vi.stubEnv("REDIS_URL", "localhost:6379");
    const r = await entrepot(["topics", "list"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("REDIS_URL");
  });

  it("reads DEBUG as a comma-separated list", () => {
    expect(debugEnabled({ DEBUG: "entrepot" })).toBe(true);
    expect(debugEnabled({ DEBUG: "ioredis, *" })).toBe(true);
    expect(debugEnabled({ DEBUG: "entrepot-cli" })).toBe(false);
    expect(debugEnabled({})).toBe(false);
  });
});

describe("the entrepot process", () => {
  const exec = promisify(execFile);
  // nothing listens there: a command that connected would fail or hang instead of answering at once
  const env = { PATH: process.env.PATH ?? "", KAFKA_BROKERS: "127.0.0.1:1", REDIS_URL: "redis://127.0.0.1:1" };
  const run = async (...args: string[]): Promise<Run> => {
    try {
      const { stdout, stderr } = await exec(process.execPath, ["--import", "tsx", "services/cli/src/main.ts", ...args], {
        cwd: repoRoot,
        env,
        timeout: 30_000,
      });
      return { code: 0, stdout, stderr };
    } catch (err) {
      const e = err as Run;
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  };

  it("topics create --help shows the help and creates nothing; a missing file and a folder as output are refused before Kafka, on one line", {
    timeout: 60_000,
  }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "entrepot-cli-"));
    const [help, missing, folder] = await Promise.all([
      run("topics", "create", "--help"),
      run("ingest", "nope.csv", "--feed", "revenue"),
      run("normalize", SAMPLE, "--out", dir, "--rejects", join(dir, "rejects.jsonl")),
    ]).finally(() => rmSync(dir, { recursive: true, force: true }));
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: entrepot topics create/);
    expect(missing).toEqual({
      code: 2,
      stdout: "",
      stderr: usageError(
        "entrepot ingest",
        `command-argument value 'nope.csv' is invalid for argument 'file'. The file does not exist (${repoRoot}/nope.csv).`,
      ),
    });
    expect(folder).toEqual({
      code: 2,
      stdout: "",
      stderr: usageError("entrepot normalize", `option '--out <file>' argument '${dir}' is invalid. It is a directory (${dir}).`),
    });
  });
});

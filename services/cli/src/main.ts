import { statSync } from "node:fs";
import { exitOnUncaught, runCli } from "./cliErrors";
import { buildProgram } from "./program";

// `pnpm entrepot` runs in the repository root; INIT_CWD is where the user typed it: relative paths
// (including those the offline modules parse themselves) are the user's
const caller = process.env.INIT_CWD;
if (caller && statSync(caller, { throwIfNoEntry: false })?.isDirectory()) process.chdir(caller);

const program = buildProgram();
exitOnUncaught(program);
process.exitCode = await runCli(program, process.argv.slice(2));

import { exitOnUncaught, runCli } from "./cliErrors";
import { buildProgram } from "./program";

const program = buildProgram();
exitOnUncaught(program);
process.exitCode = await runCli(program, process.argv.slice(2));

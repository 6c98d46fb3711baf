import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";

/**
 * A memory figure of a running process from the kernel (`/proc/<pid>/status`), in MB: `VmHWM` is
 * the high-water mark of its resident set, `VmRSS` the resident set now. NaN when unknown.
 */
export function procMemoryMB(pid: number | undefined, field: "VmHWM" | "VmRSS" = "VmHWM"): number {
  if (pid === undefined) return Number.NaN;
  try {
    const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Math.round(Number(m[1]) / 1024) : Number.NaN;
  } catch {
    // the process has exited
    return Number.NaN;
  }
}

let clockTicks: number | undefined;

/** CPU time (user + system) a running process has used so far, in seconds (`/proc/<pid>/stat`); NaN when unknown. */
export function procCpuSeconds(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  clockTicks ??= Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // fields after the command name (which may hold spaces): state is the first, utime the 12th, stime the 13th
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / clockTicks;
  } catch {
    return Number.NaN;
  }
}

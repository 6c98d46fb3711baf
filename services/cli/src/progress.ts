import type { IngestReport } from "@entrepot/ingest";
import { ansiEnabled } from "./terminal";

/** What a progress line shows: the running ingest report and the time since the ingest started. */
export interface ProgressSnapshot {
  read: number;
  rejected: number;
  /** bytes of the file read so far */
  bytesRead: number;
  /** size of the file */
  bytes: number;
  elapsedMs: number;
}

const MB = 1e6;

/** `75s` -> `1m15s`, `3725s` -> `1h02m`; `--` when unknown. */
export function formatDuration(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return "--";
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
}

/** Seconds left, extrapolated from bytes read vs file size at the rate so far; undefined before anything was read. */
export function etaSeconds(p: ProgressSnapshot): number | undefined {
  if (p.bytesRead <= 0 || p.bytes <= 0 || p.elapsedMs <= 0) return undefined;
  const left = Math.max(0, p.bytes - p.bytesRead);
  return (left / p.bytesRead) * (p.elapsedMs / 1000);
}

/**
 * One progress line (pure). `tty`: a bar for a terminal line that is rewritten in place;
 * otherwise a plain `key value` line for logs.
 */
export function formatProgress(p: ProgressSnapshot, tty: boolean, barWidth = 24): string {
  const secs = p.elapsedMs / 1000;
  const rate = secs > 0 ? Math.round(p.read / secs) : 0;
  const fraction = p.bytes > 0 ? Math.min(1, p.bytesRead / p.bytes) : 0;
  const pct = Math.floor(fraction * 100);
  const mb = `${(p.bytesRead / MB).toFixed(1)}/${(p.bytes / MB).toFixed(1)} MB`;
  const eta = formatDuration(etaSeconds(p));
  if (!tty) {
    return `ingest ${pct}% rows ${p.read} ${mb} ${rate} rows/s rejects ${p.rejected} elapsed ${formatDuration(secs)} eta ${eta}`;
  }
  const filled = Math.round(fraction * barWidth);
  const bar = `[${"#".repeat(filled)}${"-".repeat(barWidth - filled)}]`;
  const n = (x: number) => x.toLocaleString("en-US");
  return `${bar} ${String(pct).padStart(3)}%  ${n(p.read)} rows  ${mb}  ${n(rate)} rows/s  rejects ${n(p.rejected)}  ETA ${eta}`;
}

export interface ProgressPrinterOptions {
  /** where to write (default process.stderr) */
  out?: { isTTY?: boolean; write(text: string): unknown };
  /** clock (default Date.now) */
  now?: () => number;
  /** minimum interval between terminal redraws (default 200 ms) and between plain lines (default 5 s) */
  ttyIntervalMs?: number;
  plainIntervalMs?: number;
  /** environment read for NO_COLOR / TERM (default process.env) */
  env?: NodeJS.ProcessEnv;
}

/**
 * Progress on stderr: one rewriting line with a bar on a terminal, plain lines every few seconds
 * otherwise. Call the returned function with each progress report; call `finish` with the final
 * report to draw the last state (100%) and end the line.
 */
export function progressPrinter(totalBytes: number, startedAt = Date.now(), options: ProgressPrinterOptions = {}) {
  const out = options.out ?? process.stderr;
  const now = options.now ?? Date.now;
  const tty = out.isTTY === true;
  // NO_COLOR or TERM=dumb: the line is still rewritten with a carriage return, padded instead of erased with ESC[K
  const ansi = ansiEnabled(out, options.env);
  let width = 0;
  const interval = tty ? (options.ttyIntervalMs ?? 200) : (options.plainIntervalMs ?? 5000);
  let last = Number.NEGATIVE_INFINITY;
  const snapshot = (r: IngestReport): ProgressSnapshot => ({
    read: r.read,
    rejected: r.rejected,
    bytesRead: r.bytesRead,
    bytes: r.bytes || totalBytes,
    elapsedMs: Math.max(1, now() - startedAt),
  });
  const draw = (r: IngestReport) => {
    const line = formatProgress(snapshot(r), tty);
    if (!tty) out.write(`${line}\n`);
    else if (ansi) out.write(`\r${line}\u001b[K`);
    else out.write(`\r${line.padEnd(width)}`);
    width = Math.max(width, line.length);
  };
  return Object.assign(
    (r: IngestReport) => {
      if (now() - last < interval) return;
      last = now();
      draw(r);
    },
    {
      finish(r: IngestReport) {
        draw(r);
        if (tty) out.write("\n");
      },
    },
  );
}

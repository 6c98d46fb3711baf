import type { IngestReport } from "@entrepot/ingestor";

/** Progress on stderr: one rewriting line on a terminal, plain lines every few seconds otherwise. */
export function progressPrinter(totalBytes: number, startedAt = Date.now()) {
  const tty = process.stderr.isTTY === true;
  let lastPlain = 0;
  return (r: IngestReport) => {
    const secs = Math.max(0.001, (Date.now() - startedAt) / 1000);
    const line = `rows ${r.read}  published ${r.published}  rejected ${r.rejected}  ${(r.read / secs).toFixed(0)} rows/s  (${(totalBytes / 1e6).toFixed(1)} MB file)`;
    if (tty) process.stderr.write(`\r${line}`);
    else if (Date.now() - lastPlain > 2000) {
      lastPlain = Date.now();
      process.stderr.write(`${line}\n`);
    }
  };
}

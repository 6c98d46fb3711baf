import { closeSync, openSync, readSync, statSync } from "node:fs";
import { sniffBytes } from "@entrepot/feeds";
import { NoUsableRowError } from "./exitCodes";

const SAMPLE_BYTES = 64 * 1024;

/**
 * Checks a feed file before anything is connected to or written: an empty (or blank) file and a
 * binary one are a `NoUsableRowError` (exit 4) with a message saying which. Existence, type and
 * permissions were checked while parsing (usage.ts).
 */
export function checkFeedFile(path: string): void {
  const size = statSync(path).size;
  if (size === 0) throw new NoUsableRowError(`${path} is empty: no row to read`);
  const sample = Buffer.alloc(Math.min(size, SAMPLE_BYTES));
  const fd = openSync(path, "r");
  try {
    readSync(fd, sample, 0, sample.length, 0);
  } finally {
    closeSync(fd);
  }
  const sniffed = sniffBytes(sample);
  if (sniffed.binary) throw new NoUsableRowError(`${path} holds binary data (NUL bytes or control characters), not a text feed`);
  if (size <= SAMPLE_BYTES && sample.subarray(sniffed.bomBytes).toString("latin1").trim() === "") {
    throw new NoUsableRowError(`${path} holds only blank lines: no row to read`);
  }
}

/** `reason=count, ...` of a report's rejections. */
export function reasonList(byReason: Readonly<Record<string, number>>): string {
  return Object.entries(byReason)
    .map(([k, v]) => `${k}=${v}`)
    .join(", ");
}

/** A file read to its end that gave no usable row: what was read and rejected, and where to look. */
export function noUsableRow(
  path: string,
  read: number,
  rejected: number,
  byReason: Readonly<Record<string, number>>,
  where: string,
): NoUsableRowError {
  const reasons = reasonList(byReason);
  return new NoUsableRowError(
    read === 0
      ? `${path}: no row read (a header without rows?)`
      : `${path}: no usable row: ${read} read, ${rejected} rejected${reasons ? ` (${reasons})` : ""}; ${where}`,
  );
}

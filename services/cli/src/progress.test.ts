import type { IngestReport } from "@entrepot/ingest";
import { describe, expect, it } from "vitest";
import { etaSeconds, formatDuration, formatProgress, progressPrinter } from "./progress";

const snap = { read: 1_234_567, rejected: 42, bytesRead: 250e6, bytes: 1000e6, elapsedMs: 100_000 };

describe("formatProgress", () => {
  it("draws a bar with rows, MB, rows/s, rejects and an ETA from bytes read vs file size on a terminal", () => {
    expect(formatProgress(snap, true, 20)).toBe(
      "[#####---------------]  25%  1,234,567 rows  250.0/1000.0 MB  12,346 rows/s  rejects 42  ETA 5m00s",
    );
  });

  it("prints plain key-value lines when not a terminal", () => {
    expect(formatProgress(snap, false)).toBe("ingest 25% rows 1234567 250.0/1000.0 MB 12346 rows/s rejects 42 elapsed 1m40s eta 5m00s");
  });

  it("shows an unknown ETA before anything was read and 0s at the end", () => {
    expect(formatProgress({ ...snap, read: 0, bytesRead: 0 }, false)).toMatch(/^ingest 0% rows 0 0\.0\/1000\.0 MB 0 rows\/s .* eta --$/);
    expect(formatProgress({ ...snap, bytesRead: 1000e6 }, true, 10)).toMatch(/^\[##########\] 100% .* ETA 0s$/);
  });

  it("never draws more than a full bar or divides by zero for an empty file", () => {
    expect(formatProgress({ read: 0, rejected: 0, bytesRead: 0, bytes: 0, elapsedMs: 5 }, true, 4)).toBe(
      "[----]   0%  0 rows  0.0/0.0 MB  0 rows/s  rejects 0  ETA --",
    );
    expect(formatProgress({ ...snap, bytesRead: 2000e6 }, true, 4)).toMatch(/^\[####\] 100%/);
  });
});

describe("etaSeconds and formatDuration", () => {
  it("extrapolates the time left from the byte rate so far", () => {
    expect(etaSeconds(snap)).toBe(300);
    expect(etaSeconds({ ...snap, bytesRead: 0 })).toBeUndefined();
  });
  it("formats seconds, minutes and hours", () => {
    expect([formatDuration(7), formatDuration(75), formatDuration(3725), formatDuration(undefined)]).toEqual([
      "7s",
      "1m15s",
      "1h02m",
      "--",
    ]);
  });
});

describe("progressPrinter", () => {
  const report = (read: number, bytesRead: number): IngestReport => ({
    ingestRun: "r",
    file: "f.csv",
    read,
    published: read,
    publishedByFeed: { revenue: 0, customs: read },
    rejected: 0,
    byReason: {},
    bytes: 1000,
    bytesRead,
  });

  it("rewrites one line on a terminal and ends it on finish", () => {
    const written: string[] = [];
    let t = 0;
    const p = progressPrinter(1000, 0, { out: { isTTY: true, write: (s: string) => written.push(s) }, now: () => t, env: {} });
    t = 1000;
    p(report(10, 500));
    t = 1050; // within the redraw interval: skipped
    p(report(11, 510));
    p.finish(report(20, 1000));
    expect(written).toHaveLength(3);
    expect(written[0]).toMatch(/^\r\[#+-+\] {2}50% {2}10 rows /);
    expect(written[0]?.endsWith("\u001b[K")).toBe(true);
    expect(written[1]).toMatch(/^\r\[#+\] 100% {2}20 rows /);
    expect(written[2]).toBe("\n");
  });

  it("writes no escape sequence on a terminal under NO_COLOR: the line is padded instead of erased", () => {
    const written: string[] = [];
    let t = 1000;
    const p = progressPrinter(1000, 0, {
      out: { isTTY: true, write: (s: string) => written.push(s) },
      now: () => t,
      env: { NO_COLOR: "1" },
    });
    p(report(10, 500));
    t = 2000;
    p.finish(report(20, 1000));
    expect(written.join("")).not.toContain("\u001b");
    expect(written[0]).toMatch(/^\r\[#+-+\] {2}50% /);
    expect(written[1]).toMatch(/^\r\[#+\] 100% /);
    expect(written[1]?.length).toBeGreaterThanOrEqual(written[0]?.length ?? 0);
  });

  it("writes plain lines at most every interval when not a terminal", () => {
    const written: string[] = [];
    let t = 0;
    const p = progressPrinter(1000, 0, { out: { write: (s: string) => written.push(s) }, now: () => t, plainIntervalMs: 5000 });
    for (t = 1000; t <= 11_000; t += 1000) p(report(t / 100, t / 20));
    p.finish(report(200, 1000));
    expect(written.map((l) => l.split(" ").slice(0, 4).join(" "))).toEqual([
      "ingest 5% rows 10",
      "ingest 30% rows 60",
      "ingest 55% rows 110",
      "ingest 100% rows 200",
    ]);
    expect(written.every((l) => l.endsWith("\n") && !l.includes("\r"))).toBe(true);
  });
});

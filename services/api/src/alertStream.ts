import type { ServerResponse } from "node:http";
import type { AlertLog, StreamEntry } from "@entrepot/delivery";
import type { Logger, Metrics } from "@entrepot/runtime";
import type { Redis } from "ioredis";

export interface AlertStreamLimits {
  /** how long the shared XREAD waits before every stream gets a heartbeat comment */
  heartbeatMs: number;
  /** open streams in this process */
  maxStreams: number;
  /** open streams per API key */
  maxStreamsPerKey: number;
  /** bytes a stream may have queued unsent before it is dropped as a slow reader */
  maxBufferedBytes: number;
}

interface Client {
  /** one batch from the shared reader; an empty batch is a heartbeat */
  deliver(entries: readonly StreamEntry[]): void;
  /** ends the stream: `reason` = dropped by the server (counted), none = a normal end */
  end(reason?: string): void;
}

/** The request's logger (Fastify's), which names the API key. */
interface RequestLog {
  warn(obj: object, msg: string): void;
}

/** Orders Redis stream ids (`<ms>-<seq>`). */
export function compareStreamIds(a: string, b: string): number {
  const [am = 0, as = 0] = a.split("-").map(Number);
  const [bm = 0, bs = 0] = b.split("-").map(Number);
  return am - bm || as - bs;
}

const CATCH_UP_PAGE = 100;

/**
 * Server-Sent Events of the alert log for every client of this process through ONE Redis
 * reader: a single blocking XREAD fans each batch out to all open streams (started with the
 * first stream, stopped after the last). A stream joins the fan-out first, then catches up from
 * its Last-Event-ID with non-blocking XRANGE pages on the shared connection, then flushes what
 * the fan-out delivered meanwhile (ids at or before the last sent are skipped), so nothing is
 * lost or sent twice. Limits: streams per process and per API key (429 beyond), and a slow
 * reader — one whose unsent bytes exceed `maxBufferedBytes` — is disconnected instead of
 * buffering without bound; it resumes with Last-Event-ID.
 */
export class AlertStreams {
  private readonly clients = new Set<Client>();
  private readonly perKey = new Map<string, number>();
  private open = 0;
  private loop: Promise<void> | undefined;
  private reader: Redis | undefined;
  private closed = false;
  private readonly dropped: (labels: Record<string, string>) => void;

  constructor(
    private readonly redis: Redis,
    private readonly log: AlertLog,
    private readonly limits: AlertStreamLimits,
    private readonly logger: Logger,
    metrics: Metrics,
    /** CLIENT SETNAME of the reader connection */
    private readonly readerName: string,
  ) {
    this.dropped = metrics.counter("entrepot_api_streams_dropped_total", "SSE streams disconnected by the server, by reason", ["reason"]);
  }

  /** Why a new stream for `keyId` is refused now (undefined = admitted). */
  refusal(keyId: string): string | undefined {
    if (this.closed) return "this server is shutting down";
    if (this.open >= this.limits.maxStreams) return `this server holds its maximum of ${this.limits.maxStreams} streams`;
    if ((this.perKey.get(keyId) ?? 0) >= this.limits.maxStreamsPerKey) {
      return `this API key holds its maximum of ${this.limits.maxStreamsPerKey} streams`;
    }
    return undefined;
  }

  /** Streams `res` from after `cursor` until the client leaves, is dropped, or close() is called. Call refusal() first. */
  async serve(res: ServerResponse, keyId: string, cursor: string, log: Pick<Logger, "warn"> | RequestLog): Promise<void> {
    this.open++;
    this.perKey.set(keyId, (this.perKey.get(keyId) ?? 0) + 1);
    let lastSent = cursor;
    let pending: StreamEntry[] | undefined = [];
    let live = true;
    const end = (reason?: string) => {
      if (!live) return;
      live = false;
      this.clients.delete(client);
      this.open--;
      this.perKey.set(keyId, (this.perKey.get(keyId) ?? 1) - 1);
      if (reason) {
        this.dropped({ reason });
        log.warn({ reason, lastEventId: lastSent }, "alert stream dropped");
        res.destroy();
      } else res.end();
    };
    const write = (text: string) => {
      if (!live) return;
      res.write(text);
      if (res.writableLength > this.limits.maxBufferedBytes) end("slow_reader");
    };
    const send = (entries: readonly StreamEntry[]) => {
      for (const e of entries) {
        if (compareStreamIds(e.id, lastSent) <= 0) continue;
        write(`id: ${e.id}\nevent: alert\ndata: ${JSON.stringify(e.alert)}\n\n`);
        lastSent = e.id;
      }
    };
    const client: Client = {
      deliver: (entries) => {
        if (entries.length === 0) write(": keep-alive\n\n");
        else if (pending) {
          pending.push(...entries);
          if (pending.length > 10 * CATCH_UP_PAGE) end("slow_reader");
        } else send(entries);
      },
      end,
    };
    res.on("close", () => end());
    this.clients.add(client);
    this.ensureReader();
    res.writeHead(200, {
      "content-type": "text/event-stream",
      "cache-control": "no-store",
      connection: "keep-alive",
      "x-accel-buffering": "no",
    });
    write("retry: 2000\n\n");
    try {
      while (live) {
        const page = await this.log.readRange(lastSent, CATCH_UP_PAGE);
        send(page);
        if (page.length < CATCH_UP_PAGE) break;
        // a client reading the backlog at its own pace is waited for, one that does not read is dropped
        if (res.writableNeedDrain && !(await drained(res, this.limits.heartbeatMs * 2))) end("slow_reader");
      }
      const caughtUp = pending;
      pending = undefined;
      send(caughtUp);
    } catch (err) {
      log.warn({ err }, "alert stream catch-up failed");
      end("error");
    }
  }

  private ensureReader(): void {
    if (this.loop || this.closed || this.clients.size === 0) return;
    const reader = this.redis.duplicate({ connectionName: this.readerName });
    reader.on("error", (err) => this.logger.warn({ err }, "alert stream reader: redis error"));
    this.reader = reader;
    this.loop = (async () => {
      try {
        let cursor = await this.log.lastId();
        while (!this.closed && this.clients.size > 0) {
          const entries = await this.log.readAfter(reader, cursor, CATCH_UP_PAGE, this.limits.heartbeatMs);
          for (const c of [...this.clients]) c.deliver(entries);
          cursor = entries[entries.length - 1]?.id ?? cursor;
        }
      } catch (err) {
        if (!this.closed) {
          // every stream ends; clients reconnect and resume from their Last-Event-ID
          this.logger.warn({ err, streams: this.clients.size }, "alert stream reader failed: ending every stream");
          for (const c of [...this.clients]) c.end("reader_error");
        }
      } finally {
        reader.disconnect();
        this.reader = undefined;
        this.loop = undefined;
        // a stream that opened while the loop was finishing needs a reader
        this.ensureReader();
      }
    })();
  }

  /** Ends every stream (clients reconnect elsewhere with Last-Event-ID) and stops the reader. */
  async close(): Promise<void> {
    this.closed = true;
    for (const c of [...this.clients]) c.end();
    this.reader?.disconnect();
    await this.loop;
  }
}

function drained(res: ServerResponse, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      clearTimeout(timer);
      res.off("drain", onDrain);
      res.off("close", onClose);
      resolve(ok);
    };
    const onDrain = () => done(true);
    const onClose = () => done(false);
    const timer = setTimeout(() => done(false), timeoutMs);
    res.on("drain", onDrain);
    res.on("close", onClose);
  });
}

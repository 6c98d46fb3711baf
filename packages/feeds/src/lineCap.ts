import { Transform, type TransformCallback } from "node:stream";

/** A physical line that was longer than the cap and was dropped. */
export interface OversizedLine {
  /** 1-based physical line number */
  line: number;
  /** bytes the line had */
  bytes: number;
  /** its first bytes, for the dead letter */
  head: Buffer;
}

/**
 * Passes a byte stream through line by line, but never holds more than `maxLineBytes` of one
 * physical line: a longer line is dropped (its newline kept, so line numbers downstream stay
 * true) and reported through `onOversized`. Memory stays bounded however long a line is.
 */
export class LineCap extends Transform {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private skipping: OversizedLine | undefined;
  private line = 1;

  constructor(
    private readonly maxLineBytes: number,
    private readonly onOversized: (o: OversizedLine) => void,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    const out: Buffer[] = [];
    let start = 0;
    while (start < chunk.length) {
      const nl = chunk.indexOf(0x0a, start);
      const end = nl === -1 ? chunk.length : nl;
      const piece = chunk.subarray(start, end);
      if (this.skipping) {
        this.skipping.bytes += piece.length;
      } else if (this.pendingBytes + piece.length > this.maxLineBytes) {
        const head = Buffer.concat([...this.pending, piece]).subarray(0, 200);
        this.skipping = { line: this.line, bytes: this.pendingBytes + piece.length, head: Buffer.from(head) };
        this.pending = [];
        this.pendingBytes = 0;
      } else {
        this.pending.push(piece);
        this.pendingBytes += piece.length;
      }
      if (nl === -1) break;
      // end of a physical line
      if (this.skipping) {
        this.onOversized(this.skipping);
        this.skipping = undefined;
      } else {
        out.push(...this.pending);
      }
      out.push(Buffer.from([0x0a]));
      this.pending = [];
      this.pendingBytes = 0;
      this.line += 1;
      start = nl + 1;
    }
    if (out.length > 0) this.push(Buffer.concat(out));
    done();
  }

  override _flush(done: TransformCallback): void {
    if (this.skipping) this.onOversized(this.skipping);
    else if (this.pendingBytes > 0) this.push(Buffer.concat(this.pending));
    done();
  }
}

/** Decodes a byte stream to text in the given encoding, multi-byte sequences split across chunks included. */
export class Decode extends Transform {
  private readonly decoder: InstanceType<typeof TextDecoder>;
  constructor(encoding: "utf-8" | "windows-1252") {
    super({ readableObjectMode: false, decodeStrings: true });
    this.decoder = new TextDecoder(encoding);
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    const text = this.decoder.decode(chunk, { stream: true });
    if (text) this.push(text, "utf8");
    done();
  }
  override _flush(done: TransformCallback): void {
    const text = this.decoder.decode();
    if (text) this.push(text, "utf8");
    done();
  }
}

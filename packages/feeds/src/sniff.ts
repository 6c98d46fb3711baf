/** What the first bytes of a file say about how to read it. */
export interface Sniffed {
  /** bytes of a UTF-8 byte-order mark to skip (0 or 3) */
  bomBytes: number;
  /** text encoding the file is decoded with */
  encoding: "utf-8" | "windows-1252";
  /** NUL bytes or many control characters: not a text feed */
  binary: boolean;
}

/**
 * Decides from a sample of the first bytes: a UTF-8 BOM is skipped; a sample that is not valid
 * UTF-8 is read as Windows-1252 (the encoding Excel on Windows writes CSV in), transcoded to
 * Unicode; a sample with NUL bytes (this includes UTF-16) or more than 5% control characters is binary.
 */
export function sniffBytes(sample: Uint8Array): Sniffed {
  const bomBytes = sample[0] === 0xef && sample[1] === 0xbb && sample[2] === 0xbf ? 3 : 0;
  let control = 0;
  let nul = false;
  for (const b of sample) {
    if (b === 0) nul = true;
    if ((b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c) || b === 0x7f) control += 1;
  }
  const binary = nul || (sample.length > 0 && control / sample.length > 0.05);
  let encoding: Sniffed["encoding"] = "utf-8";
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(sample.subarray(bomBytes), { stream: true });
  } catch {
    encoding = "windows-1252";
  }
  return { bomBytes, encoding, binary };
}

/** The delimiter of a CSV header line: the most frequent of `,` `;` tab outside quotes (`,` on a tie or none). */
export function detectDelimiter(headerLine: string): "," | ";" | "\t" {
  const counts = { ",": 0, ";": 0, "\t": 0 };
  let quoted = false;
  for (const ch of headerLine) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === "," || ch === ";" || ch === "\t")) counts[ch] += 1;
  }
  if (counts[";"] > counts[","] && counts[";"] >= counts["\t"]) return ";";
  if (counts["\t"] > counts[","] && counts["\t"] > counts[";"]) return "\t";
  return ",";
}

/** A short printable excerpt of raw bytes or text for a dead letter. */
export function excerpt(text: string, max = 500): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what we escape
  const clean = text.replace(/[\u0000-\u0008\u000b\u000e-\u001f\u007f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`);
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}

import type { RawRecord } from "@entrepot/schemas";

const COMPACT_KEY_CACHE = 4096;
const compactKeys = new Map<string, string>();

/** Header names compare without case, spaces or punctuation: `Trade Flow Code` = `TradeFlow Code` = `tradeflowcode`. */
export function compactKey(name: string): string {
  let key = compactKeys.get(name);
  if (key === undefined) {
    key = name.toLowerCase().replace(/[^\p{L}\p{N}]/gu, "");
    // a file's header names repeat on every row: remember them (bounded: a hostile file cannot grow it)
    if (compactKeys.size >= COMPACT_KEY_CACHE) compactKeys.clear();
    compactKeys.set(name, key);
  }
  return key;
}

/** Reads a raw record's fields by compact header name; values trimmed; undefined when absent. */
export interface FieldReader {
  get(...names: string[]): string | undefined;
  /** present and not empty after trimming */
  has(name: string): boolean;
}

export function fieldReader(raw: Pick<RawRecord, "fields">): FieldReader {
  const index = new Map<string, string>();
  for (const [k, v] of Object.entries(raw.fields)) {
    const key = compactKey(k);
    if (!index.has(key)) index.set(key, v);
  }
  return {
    get: (...names) => {
      for (const n of names) {
        const v = index.get(compactKey(n));
        if (v !== undefined) return v.trim();
      }
      return undefined;
    },
    has: (name) => (index.get(compactKey(name)) ?? "").trim() !== "",
  };
}

/** The compact-name index of the last header seen (rows of one file share theirs): compact name -> field name. */
let lastHeader: { names: readonly string[]; index: Map<string, string> } = { names: [], index: new Map() };

function sameNames(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function headerIndex(names: readonly string[]): Map<string, string> {
  if (sameNames(names, lastHeader.names)) return lastHeader.index;
  const index = new Map<string, string>();
  for (const name of names) {
    const key = compactKey(name);
    if (!index.has(key)) index.set(key, name);
  }
  lastHeader = { names, index };
  return index;
}

/** A row's fields through the index of its header. */
class HeaderFieldReader implements FieldReader {
  private readonly index: Map<string, string>;
  constructor(private readonly fields: Readonly<Record<string, string>>) {
    this.index = headerIndex(Object.keys(fields));
  }

  get(...names: string[]): string | undefined {
    for (const n of names) {
      const v = this.value(n);
      if (v !== undefined) return v.trim();
    }
    return undefined;
  }

  has(name: string): boolean {
    return (this.value(name) ?? "").trim() !== "";
  }

  private value(name: string): string | undefined {
    const field = this.index.get(compactKey(name));
    return field === undefined ? undefined : this.fields[field];
  }
}

/**
 * `fieldReader`'s reads (the same values: the first field of a compact name wins), for a reader of
 * a few fields per row: the index of the field names is built once per header (a file's rows share
 * theirs), not per row, and no closure is made per row. The raw topics' partition key reads rows so.
 */
export function headerFieldReader(raw: Pick<RawRecord, "fields">): FieldReader {
  return new HeaderFieldReader(raw.fields);
}

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

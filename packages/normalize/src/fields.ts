import type { RawRecord } from "@entrepot/schemas";
import { LastShape } from "./lastShape";

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

/** per compact name, the first of a record's field names that has it */
const layouts = new LastShape((names) => {
  const byCompact = new Map<string, string>();
  for (const name of names) {
    const key = compactKey(name);
    if (!byCompact.has(key)) byCompact.set(key, name);
  }
  return byCompact;
});

/**
 * A FieldReader over a record's fields: its names resolved through the layout of its field names,
 * built once for a run of records with the same names (not a map of every record's fields).
 */
class LayoutFields implements FieldReader {
  constructor(
    private readonly fields: Readonly<Record<string, string>>,
    private readonly byCompact: Map<string, string>,
  ) {}

  private value(name: string): string | undefined {
    const field = this.byCompact.get(compactKey(name));
    return field === undefined ? undefined : this.fields[field];
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
}

export function fieldReader(raw: Pick<RawRecord, "fields">): FieldReader {
  return new LayoutFields(raw.fields, layouts.of(Object.keys(raw.fields)));
}

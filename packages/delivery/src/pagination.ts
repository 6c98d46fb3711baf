import { z } from "zod";

/** A record listed in creation order. */
export interface Listed {
  id: string;
  createdAt: string;
}

export interface Page<T> {
  items: T[];
  /** opaque; pass it back as `cursor` for the next page; absent on the last page */
  nextCursor?: string;
}

const order = (a: Listed, b: Listed) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id);

function encodeCursor(last: Listed): string {
  return Buffer.from(JSON.stringify([last.createdAt, last.id])).toString("base64url");
}

const CursorTuple = z.tuple([z.string(), z.string()]);

function decodeCursor(cursor: string): Listed {
  try {
    const [createdAt, id] = CursorTuple.parse(JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")));
    return { createdAt, id };
  } catch {
    throw new z.ZodError([{ code: "custom", path: ["cursor"], message: "expected the nextCursor of a previous page", input: cursor }]);
  }
}

/**
 * One page of `records` in creation order (oldest first, ties by id), `limit` after the record a
 * cursor names. Keyset, not offset: a record deleted or added between two pages shifts nothing.
 */
export function paginate<T extends Listed>(records: readonly T[], limit: number, cursor?: string): Page<T> {
  const sorted = [...records].sort(order);
  const after = cursor === undefined ? undefined : decodeCursor(cursor);
  const rest = after === undefined ? sorted : sorted.filter((r) => order(r, after) > 0);
  const items = rest.slice(0, limit);
  const last = items[items.length - 1];
  return rest.length > limit && last ? { items, nextCursor: encodeCursor(last) } : { items };
}

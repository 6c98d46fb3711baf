import { describe, expect, it } from "vitest";
import { paginate } from "./pagination";

const rec = (id: string, createdAt: string) => ({ id, createdAt });

describe("paginate", () => {
  const records = [rec("c", "2026-01-02"), rec("a", "2026-01-01"), rec("b", "2026-01-01"), rec("d", "2026-01-03"), rec("e", "2026-01-04")];

  it("walks every record once, in creation order, page by page", () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = paginate(records, 2, cursor);
      seen.push(...page.items.map((r) => r.id));
      cursor = page.nextCursor;
      pages++;
    } while (cursor !== undefined);
    expect(seen).toEqual(["a", "b", "c", "d", "e"]);
    expect(pages).toBe(3);
  });

  it("keeps its place when a record of an earlier page is deleted", () => {
    const first = paginate(records, 2);
    const remaining = records.filter((r) => r.id !== "a");
    expect(paginate(remaining, 2, first.nextCursor).items.map((r) => r.id)).toEqual(["c", "d"]);
  });

  it("has no next cursor on the last page and refuses a forged cursor", () => {
    expect(paginate(records, 5).nextCursor).toBeUndefined();
    expect(() => paginate(records, 2, "garbage")).toThrow(/nextCursor/);
  });
});

import { fail, type Normalized } from "./result";

const MISSING = new Set(["", "-", "--", "n/a", "na", "nan", "null", "none", "..", "x"]);

/**
 * Parses a number as trade and finance files write it: `1234`, `1,234.5`, `(1,234)` (negative),
 * `1 234`, `-12.5`, `1.2e6`. Missing markers (`-`, `n/a`, empty) and anything else are problems.
 */
export function parseAmount(text: string | undefined, field: string): Normalized<number> {
  const raw = (text ?? "").trim();
  if (MISSING.has(raw.toLowerCase())) {
    return fail(
      raw === "" ? "missing_field" : "bad_number",
      `${field} is ${raw === "" ? "empty" : `"${raw}"`}: a number is required`,
      field,
    );
  }
  let t = raw.replace(/[\s\u00a0]/g, "");
  let negative = false;
  if (/^\(.*\)$/.test(t)) {
    negative = true;
    t = t.slice(1, -1);
  }
  if (/^[$€£]/.test(t)) t = t.slice(1);
  if (/^-?\d{1,3}(,\d{3})+(\.\d+)?$/.test(t)) t = t.replace(/,/g, "");
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(t)) {
    return fail("bad_number", `${field} "${raw}" is not a number`, field);
  }
  const n = Number(t) * (negative ? -1 : 1);
  if (!Number.isFinite(n)) return fail("bad_number", `${field} "${raw}" is not a finite number`, field);
  return { ok: true, record: n };
}

export const SCALES = { units: 1, thousands: 1e3, millions: 1e6, billions: 1e9 } as const;
export type Scale = keyof typeof SCALES;

export function parseScale(text: string | undefined): Normalized<number> {
  const t = (text ?? "").trim().toLowerCase();
  if (t === "") return { ok: true, record: 1 };
  if (t in SCALES) return { ok: true, record: SCALES[t as Scale] };
  return fail("bad_scale", `scale "${text}" is not one of ${Object.keys(SCALES).join(", ")}`, "scale");
}

import { SCALES, type Scale } from "@entrepot/reference";
import { fail, type Normalized } from "./result";

const MISSING = new Set(["", "-", "--", "n/a", "na", "nan", "null", "none", "..", "x"]);
/** digits with an optional decimal part: a number as it is (no marker, sign, grouping or currency to handle) */
const PLAIN = /^\d+(?:\.\d+)?$/;

/**
 * Parses a number as trade and finance files write it: `1234`, `1,234.5`, `(1,234)` (negative),
 * `1 234`, `-12.5`, `1.2e6`. Missing markers (`-`, `n/a`, empty) and anything else are problems.
 */
export function parseAmount(text: string | undefined, field: string): Normalized<number> {
  const raw = (text ?? "").trim();
  // most amounts are plain digits: what the rules below would make of them, without the rules
  if (PLAIN.test(raw)) {
    const n = Number(raw);
    if (Number.isFinite(n)) return { ok: true, record: n === 0 ? 0 : n };
  }
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
  return { ok: true, record: n === 0 ? 0 : n };
}

/**
 * An optional non-negative amount: empty or a missing marker (`-`, `n/a`) is absent (undefined);
 * text that is not a number is `bad_number`, a negative one `negative_value`.
 */
export function parseOptionalAmount(text: string | undefined, field: string): Normalized<number | undefined> {
  const raw = (text ?? "").trim();
  if (MISSING.has(raw.toLowerCase())) return { ok: true, record: undefined };
  const n = parseAmount(raw, field);
  if (!n.ok) return n;
  if (n.record < 0) return fail("negative_value", `${field} ${raw} is negative`, field);
  return n;
}

export { SCALES, type Scale };

export function parseScaleName(text: string | undefined): Normalized<Scale> {
  const t = (text ?? "").trim().toLowerCase();
  if (t === "") return { ok: true, record: "units" };
  if (t in SCALES) return { ok: true, record: t as Scale };
  return fail("bad_scale", `scale "${text}" is not one of ${Object.keys(SCALES).join(", ")}`, "scale");
}

export function parseScale(text: string | undefined): Normalized<number> {
  const s = parseScaleName(text);
  return s.ok ? { ok: true, record: SCALES[s.record] } : s;
}

import { Feed } from "@entrepot/schemas";
import { z } from "zod";
import { compactKey } from "./fields";

/**
 * A mapping file: how any other CSV layout becomes a canonical revenue or customs row.
 * `columns` maps a canonical field to the source column holding it; `constants` fixes fields the
 * file does not carry (e.g. `reporter: TW`, `flow: export`); `values` rewrites cell values per
 * canonical field (e.g. `{"flow": {"出口": "export"}}`); `scale`/`currency` are constants too.
 */
export const Mapping = z
  .object({
    name: z
      .string()
      .min(1)
      .regex(/^[\w.-]+$/, "letters, digits, _ . - only"),
    feed: Feed,
    columns: z.record(z.string().min(1), z.string().min(1)),
    constants: z.record(z.string().min(1), z.string()).default({}),
    values: z.record(z.string().min(1), z.record(z.string(), z.string())).default({}),
    /** cell transforms before value maps: strip a prefix like ROC years `102年` -> 2013 */
    transforms: z.record(z.string().min(1), z.enum(["roc-year", "trim-leading-apostrophe"])).default({}),
  })
  .strict();
export type Mapping = z.infer<typeof Mapping>;

/** Parses a mapping file's JSON; throws with every zod issue when it is not a valid mapping. */
export function parseMapping(json: unknown): Mapping {
  const r = Mapping.safeParse(json);
  if (!r.success) {
    throw new Error(`invalid mapping file: ${r.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ")}`);
  }
  return r.data;
}

/** Source columns a mapping needs that a header lacks (to fail fast, once, before reading rows). */
export function missingMappedColumns(mapping: Mapping, header: readonly string[]): string[] {
  const keys = new Set(header.map(compactKey));
  return Object.values(mapping.columns).filter((c) => !keys.has(compactKey(c)));
}

function transform(kind: "roc-year" | "trim-leading-apostrophe", v: string): string {
  if (kind === "trim-leading-apostrophe") return v.replace(/^'/, "");
  const m = /^(\d{2,3})\s*年?(.*)$/.exec(v.trim());
  if (!m) return v;
  const year = 1911 + Number(m[1]);
  const rest = (m[2] ?? "").trim();
  const month = /^(\d{1,2})\s*月?$/.exec(rest);
  return month ? `${year}-${(month[1] ?? "").padStart(2, "0")}` : String(year);
}

/** Applies a mapping to one source row (fields by header name) -> canonical fields. Pure. */
export function applyMapping(mapping: Mapping, fields: Readonly<Record<string, string>>): Record<string, string> {
  const byKey = new Map(Object.entries(fields).map(([k, v]) => [compactKey(k), v]));
  const out: Record<string, string> = { ...mapping.constants };
  for (const [target, column] of Object.entries(mapping.columns)) {
    let v = byKey.get(compactKey(column)) ?? "";
    const t = mapping.transforms[target];
    if (t) v = transform(t, v);
    const map = mapping.values[target];
    if (map) v = map[v.trim()] ?? v;
    out[target] = v;
  }
  return out;
}

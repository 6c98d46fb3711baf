import { resolveCountry } from "./countries";
import { normalizeLabel } from "./labels";

/** A canonical region: an ISO 3166-1 alpha-2 country or a named reporting group. */
export interface Region {
  /** `SG`, `US`, or a group id like `GROUP:CN+HK` */
  id: string;
  name: string;
  kind: "country" | "group";
}

/**
 * What a revenue row's label stands for. `total` is the company's reported total (id `TOTAL`);
 * `opaque` a label nobody recognises, kept as its own region (id `LABEL:<normalized label>`) so
 * that shares over the total stay right. `includes` / `excludes` are the members the label states
 * ("Other countries (incl. Singapore)" includes SG).
 */
export interface RevenueRegion {
  id: string;
  name: string;
  kind: "country" | "group" | "total" | "opaque";
  includes?: string[];
  excludes?: string[];
}

export const TOTAL_REGION_ID = "TOTAL";

/**
 * Reporting groups filings use, kept as named groups rather than forced into one country:
 * "China (including Hong Kong)" is CN+HK, "Greater China" (Apple: mainland, Hong Kong, Taiwan) is
 * another group, "Other countries" is whatever the filing left over, "EMEA" is not "Europe".
 */
const GROUPS: [Region, string[]][] = [
  [
    { id: "GROUP:CN+HK", name: "China (including Hong Kong)", kind: "group" },
    ["China including Hong Kong", "China (incl. Hong Kong)", "China incl Hong Kong", "China and Hong Kong"],
  ],
  [{ id: "GROUP:GREATER-CHINA", name: "Greater China", kind: "group" }, []],
  [
    { id: "GROUP:OTHER", name: "Other countries", kind: "group" },
    [
      "Other",
      "Others",
      "Rest of world",
      "Rest of the world",
      "Other regions",
      "All other",
      "All other countries",
      "Other foreign countries",
    ],
  ],
  [{ id: "GROUP:OTHER-APAC", name: "Other Asia Pacific", kind: "group" }, ["Other Asia-Pacific", "Other APAC", "Rest of Asia Pacific"]],
  [{ id: "GROUP:APAC", name: "Asia Pacific", kind: "group" }, ["Asia-Pacific", "APAC", "Asia"]],
  [{ id: "GROUP:EUROPE", name: "Europe", kind: "group" }, []],
  [
    { id: "GROUP:EMEA", name: "EMEA", kind: "group" },
    ["Europe, the Middle East and Africa", "Europe, Middle East and Africa", "Europe Middle East Africa"],
  ],
  [{ id: "GROUP:AMERICAS", name: "Americas", kind: "group" }, ["The Americas"]],
  [{ id: "GROUP:NORTH-AMERICA", name: "North America", kind: "group" }, []],
  [{ id: "GROUP:LATAM", name: "Latin America", kind: "group" }, ["South America", "Latin America and Caribbean"]],
  [{ id: "GROUP:INTERNATIONAL", name: "International", kind: "group" }, ["Non-US", "Outside the United States", "Foreign"]],
];

/** Labels of a company's total: the denominator of its shares and a check on them. */
const TOTALS = [
  "Total",
  "Total revenue",
  "Total revenues",
  "Total net revenue",
  "Total net revenues",
  "Total net sales",
  "Net sales",
  "Net revenue",
  "Net revenues",
  "Revenue",
  "Revenues",
  "Consolidated revenue",
  "Total consolidated revenue",
];

const GROUP_ALIASES = new Map<string, Region>();
for (const [region, aliases] of GROUPS) {
  for (const alias of [region.id, region.name, ...aliases]) GROUP_ALIASES.set(normalizeLabel(alias), region);
}
const TOTAL_LABELS = new Set(TOTALS.map(normalizeLabel));

/** Resolves a revenue region label as a filing prints it (group first, then any country name or code); null when unknown. */
export function resolveRegion(label: string): Region | null {
  const group = GROUP_ALIASES.get(normalizeLabel(label));
  if (group) return group;
  const area = resolveCountry(label);
  if (!area || /^\d+$/.test(label.trim())) return null;
  return { id: area.id, name: area.name, kind: area.kind };
}

/** `(incl. X)`, `(including X and Y)`, `(excl. X)`, `(excluding X)`, `(ex-X)`, trailing or in brackets. */
const MEMBERSHIP = /\s*[([]?\s*\b(incl(?:uding|udes|\.)?|excl(?:uding|udes|\.)?|ex-|except)\s*([^)\]]*)[)\]]?\s*$/i;

/** "Singapore", "Singapore and Malaysia", "Hong Kong, Macau" -> ISO codes; null when one of them is not a country. */
function memberCodes(text: string): string[] | null {
  const names = text
    .split(/,|\band\b|&|\//i)
    .map((n) => n.trim())
    .filter(Boolean);
  if (names.length === 0) return null;
  const codes: string[] = [];
  for (const n of names) {
    const r = resolveRegion(n);
    if (!r) return null;
    codes.push(r.id);
  }
  return codes;
}

/**
 * Any label a revenue-by-geography table uses: a country ("Singapore", "U.S."), a group ("Other
 * countries", "EMEA", "Rest of Asia Pacific", "Greater China"), a group stating its members
 * ("Other countries (incl. Singapore)", "Other countries (excl. Singapore)", "Mainland China
 * (excluding Hong Kong)"), or a total ("Total revenue"). Footnote markers ("Taiwan (2)") are
 * ignored. Anything else is an `opaque` region named as printed: never dropped. Null only for
 * text that is not a label at all (empty, or a bare number: a column shifted by one).
 */
export function resolveRevenueRegion(label: string): RevenueRegion | null {
  const printed = label.trim().replace(/\s*\(\d{1,2}\)\s*$/, "");
  if (printed === "" || /^[\d.,\s$()-]+$/.test(printed)) return null;
  if (TOTAL_LABELS.has(normalizeLabel(printed))) return { id: TOTAL_REGION_ID, name: "Total", kind: "total" };
  const plain = resolveRegion(printed);
  if (plain) return plain;
  const m = MEMBERSHIP.exec(printed);
  if (m && m.index > 0) {
    const base = resolveRegion(printed.slice(0, m.index));
    const members = memberCodes(m[2] ?? "");
    if (base && members) {
      const excluding = /^ex/i.test(m[1] ?? "");
      if (base.kind === "country") {
        // "Mainland China (excluding Hong Kong)": the country itself; Hong Kong is a country of its own
        return excluding ? base : { id: base.id, name: base.name, kind: "country" };
      }
      return excluding ? { ...base, excludes: members } : { ...base, includes: members };
    }
  }
  return { id: `LABEL:${normalizeLabel(printed).replace(/\s+/g, "-")}`, name: printed, kind: "opaque" };
}

export { normalizeLabel };

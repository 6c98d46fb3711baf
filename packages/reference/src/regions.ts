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
 * Reporting groups filings use, kept as named groups rather than forced into one country:
 * "China (including Hong Kong)" is CN+HK, "Other countries" is whatever the filing left over.
 */
const GROUPS: [Region, string[]][] = [
  [
    { id: "GROUP:CN+HK", name: "China (including Hong Kong)", kind: "group" },
    ["China including Hong Kong", "China (incl. Hong Kong)", "China incl Hong Kong", "Greater China"],
  ],
  [{ id: "GROUP:OTHER", name: "Other countries", kind: "group" }, ["Other", "Others", "Rest of world", "Other regions"]],
  [{ id: "GROUP:OTHER-APAC", name: "Other Asia Pacific", kind: "group" }, ["Other Asia-Pacific", "Other APAC"]],
  [{ id: "GROUP:EUROPE", name: "Europe", kind: "group" }, ["EMEA"]],
];

const GROUP_ALIASES = new Map<string, Region>();
for (const [region, aliases] of GROUPS) {
  for (const alias of [region.id, region.name, ...aliases]) GROUP_ALIASES.set(normalizeLabel(alias), region);
}

/** Resolves a revenue region label as a filing prints it (group first, then any country name or code); null when unknown. */
export function resolveRegion(label: string): Region | null {
  const group = GROUP_ALIASES.get(normalizeLabel(label));
  if (group) return group;
  const area = resolveCountry(label);
  if (!area || /^\d+$/.test(label.trim())) return null;
  return { id: area.id, name: area.name, kind: area.kind };
}

export { normalizeLabel };

/** A canonical region: an ISO 3166-1 alpha-2 country or a named reporting group. */
export interface Region {
  /** `SG`, `US`, or a group id like `GROUP:CN+HK` */
  id: string;
  name: string;
  kind: "country" | "group";
}

const REGION_ALIASES: Record<string, Region> = {};

function add(region: Region, aliases: string[]): void {
  for (const alias of [region.id, region.name, ...aliases]) REGION_ALIASES[normalizeLabel(alias)] = region;
}

/** Case, punctuation and spacing do not distinguish labels. */
export function normalizeLabel(label: string): string {
  return label
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9+]+/g, " ")
    .trim();
}

add({ id: "US", name: "United States", kind: "country" }, ["USA", "U.S.", "United States of America", "US"]);
add({ id: "SG", name: "Singapore", kind: "country" }, ["SGP", "Republic of Singapore"]);
add({ id: "TW", name: "Taiwan", kind: "country" }, ["TWN", "Taiwan, Province of China", "Chinese Taipei"]);
add({ id: "CN", name: "China", kind: "country" }, ["CHN", "People's Republic of China", "Mainland China", "PRC"]);
add({ id: "HK", name: "Hong Kong", kind: "country" }, ["HKG", "China, Hong Kong SAR", "Hong Kong SAR"]);
add({ id: "KR", name: "South Korea", kind: "country" }, ["KOR", "Korea", "Korea, Rep.", "Republic of Korea", "Rep. of Korea"]);
add({ id: "JP", name: "Japan", kind: "country" }, ["JPN"]);
add({ id: "IL", name: "Israel", kind: "country" }, ["ISR"]);
add({ id: "IN", name: "India", kind: "country" }, ["IND"]);
add({ id: "MY", name: "Malaysia", kind: "country" }, ["MYS"]);
add({ id: "DE", name: "Germany", kind: "country" }, ["DEU"]);
add({ id: "GROUP:CN+HK", name: "China (including Hong Kong)", kind: "group" }, [
  "China including Hong Kong",
  "China (incl. Hong Kong)",
  "China incl Hong Kong",
  "Greater China",
]);
add({ id: "GROUP:OTHER", name: "Other countries", kind: "group" }, ["Other", "Others", "Rest of world", "Other regions"]);
add({ id: "GROUP:OTHER-APAC", name: "Other Asia Pacific", kind: "group" }, ["Other Asia-Pacific", "Other APAC"]);
add({ id: "GROUP:EUROPE", name: "Europe", kind: "group" }, ["EMEA"]);

/** Resolves a revenue region label as a filing prints it; null when unknown. */
export function resolveRegion(label: string): Region | null {
  return REGION_ALIASES[normalizeLabel(label)] ?? null;
}

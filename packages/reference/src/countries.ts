import { COMTRADE_NUMERIC_EXCEPTIONS, COUNTRY_ALIASES, COUNTRY_ROWS } from "./countryTable";
import { normalizeLabel } from "./labels";

/** One ISO 3166-1 country. */
export interface Country {
  alpha2: string;
  alpha3: string;
  /** ISO numeric, three digits with leading zeros */
  numeric: string;
  name: string;
}

/** A named area that is not one country: World, the EU, "Areas, nes", a filing's reporting group. */
export interface CountryGroup {
  /** `GROUP:WORLD`, `GROUP:EU`, ... */
  id: string;
  name: string;
}

/** What a country code or name in trade data resolves to. */
export type Area =
  | { kind: "country"; id: string; name: string; country: Country; flags: string[] }
  | { kind: "group"; id: string; name: string; flags: string[] };

const countries: Country[] = COUNTRY_ROWS.trim()
  .split("\n")
  .map((row) => {
    const [alpha2 = "", alpha3 = "", numeric = "", name = ""] = row.split("|");
    return { alpha2, alpha3, numeric, name };
  });

const byAlpha2 = new Map(countries.map((c) => [c.alpha2, c]));
const byAlpha3 = new Map(countries.map((c) => [c.alpha3, c]));
const byNumeric = new Map(countries.map((c) => [Number(c.numeric), c]));
const byName = new Map<string, Country>();
for (const c of countries) byName.set(normalizeLabel(c.name), c);
for (const [alpha2, names] of Object.entries(COUNTRY_ALIASES)) {
  const c = byAlpha2.get(alpha2);
  if (!c) throw new Error(`country alias table names unknown alpha-2 ${alpha2}`);
  for (const n of names) byName.set(normalizeLabel(n), c);
}

const WORLD: CountryGroup = { id: "GROUP:WORLD", name: "World" };
/** Comtrade partner codes that are areas, not countries. */
const COMTRADE_GROUPS: Record<number, CountryGroup> = {
  0: WORLD,
  97: { id: "GROUP:EU", name: "European Union" },
  899: { id: "GROUP:AREAS-NES", name: "Areas, nes" },
  837: { id: "GROUP:BUNKERS", name: "Bunkers" },
  838: { id: "GROUP:FREE-ZONES", name: "Free Zones" },
  839: { id: "GROUP:SPECIAL-CATEGORIES", name: "Special Categories" },
  568: { id: "GROUP:OTHER-EUROPE-NES", name: "Other Europe, nes" },
  577: { id: "GROUP:OTHER-AFRICA-NES", name: "Other Africa, nes" },
  636: { id: "GROUP:REST-OF-AMERICA-NES", name: "Rest of America, nes" },
  527: { id: "GROUP:OCEANIA-NES", name: "Oceania, nes" },
};
const GROUP_NAMES = new Map<string, CountryGroup>([
  ["world", WORLD],
  ["w00", WORLD],
  ["wld", WORLD],
  ["all countries", WORLD],
  ["total for all countries", WORLD],
  ["european union", { id: "GROUP:EU", name: "European Union" }],
  ["eu", { id: "GROUP:EU", name: "European Union" }],
  ["areas nes", COMTRADE_GROUPS[899] as CountryGroup],
]);

const asCountry = (c: Country, flags: string[] = []): Area => ({ kind: "country", id: c.alpha2, name: c.name, country: c, flags });
const asGroup = (g: CountryGroup): Area => ({ kind: "group", id: g.id, name: g.name, flags: [] });

export function allCountries(): readonly Country[] {
  return countries;
}

export function countryByAlpha2(code: string): Country | undefined {
  return byAlpha2.get(code.toUpperCase());
}

export function countryByAlpha3(code: string): Country | undefined {
  return byAlpha3.get(code.toUpperCase());
}

/** ISO 3166-1 numeric (not Comtrade's variant). */
export function countryByNumeric(code: number | string): Country | undefined {
  return byNumeric.get(Number(code));
}

/**
 * A UN Comtrade reporter/partner code: ISO numeric except where Comtrade differs
 * (842 USA, 251 France, 699 India, 757 Switzerland, 579 Norway), 490 "Other Asia, nes" taken
 * as Taiwan with the flag `comtrade_490_as_TW`, and area codes (0 World, 97 EU, 899 ...) as groups.
 */
export function resolveComtradeCode(code: number | string): Area | null {
  const text = String(code).trim();
  if (!/^\d{1,3}$/.test(text)) return null;
  const n = Number(text);
  const group = COMTRADE_GROUPS[n];
  if (group) return asGroup(group);
  const exception = COMTRADE_NUMERIC_EXCEPTIONS[n];
  if (exception) {
    const c = byAlpha2.get(exception) as Country;
    return asCountry(c, n === 490 ? ["comtrade_490_as_TW"] : []);
  }
  const c = byNumeric.get(n);
  return c ? asCountry(c) : null;
}

/**
 * Any way trade data names a country: alpha-2, alpha-3, ISO numeric, English name or an alias
 * ("Korea, Rep.", "China, Hong Kong SAR", "Viet Nam", "Türkiye", "USA"), or a world/EU group.
 * Null when unknown. Numeric text is read as ISO numeric; use resolveComtradeCode for Comtrade codes.
 */
export function resolveCountry(text: string): Area | null {
  const t = text.trim();
  if (t === "") return null;
  if (/^[A-Za-z]{2}$/.test(t)) {
    const c = byAlpha2.get(t.toUpperCase());
    if (c) return asCountry(c);
  }
  if (/^[A-Za-z]{3}$/.test(t)) {
    const c = byAlpha3.get(t.toUpperCase());
    if (c) return asCountry(c);
  }
  if (/^\d{1,3}$/.test(t)) {
    const c = byNumeric.get(Number(t));
    return c ? asCountry(c) : null;
  }
  const label = normalizeLabel(t);
  const group = GROUP_NAMES.get(label);
  if (group) return asGroup(group);
  const c = byName.get(label);
  if (!c) return null;
  return asCountry(c, c.alpha2 === "TW" && label === normalizeLabel("Other Asia, nes") ? ["comtrade_490_as_TW"] : []);
}

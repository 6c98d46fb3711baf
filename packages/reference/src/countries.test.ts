import { describe, expect, it } from "vitest";
import { allCountries, countryByAlpha3, countryByNumeric, resolveComtradeCode, resolveCountry } from "./countries";

describe("country table", () => {
  it("has unique alpha-2, alpha-3 and numeric codes in the right shapes", () => {
    const all = allCountries();
    expect(all.length).toBeGreaterThanOrEqual(249);
    for (const key of ["alpha2", "alpha3", "numeric"] as const) expect(new Set(all.map((c) => c[key])).size).toBe(all.length);
    for (const c of all) {
      expect(c.alpha2).toMatch(/^[A-Z]{2}$/);
      expect(c.alpha3).toMatch(/^[A-Z]{3}$/);
      expect(c.numeric).toMatch(/^\d{3}$/);
    }
    expect(countryByAlpha3("sgp")?.alpha2).toBe("SG");
    expect(countryByNumeric("702")?.alpha2).toBe("SG");
  });

  it.each([
    ["Korea, Rep.", "KR"],
    ["Rep. of Korea", "KR"],
    ["China, Hong Kong SAR", "HK"],
    ["Viet Nam", "VN"],
    ["Türkiye", "TR"],
    ["Turkey", "TR"],
    ["USA", "US"],
    ["United States of America", "US"],
    ["usa", "US"],
    ["DEU", "DE"],
    ["sg", "SG"],
    ["156", "CN"],
    ["中國大陸", "CN"],
    ["Côte d'Ivoire", "CI"],
    ["Cote d Ivoire", "CI"],
  ])("resolves %s to %s", (text, id) => {
    expect(resolveCountry(text)?.id).toBe(id);
  });

  it("keeps World and the EU as groups and rejects unknown names", () => {
    expect(resolveCountry("World")).toMatchObject({ kind: "group", id: "GROUP:WORLD" });
    expect(resolveCountry("W00")).toMatchObject({ kind: "group", id: "GROUP:WORLD" });
    expect(resolveCountry("Atlantis")).toBeNull();
    expect(resolveCountry("")).toBeNull();
    expect(resolveCountry("999")).toBeNull();
  });
});

describe("Comtrade codes", () => {
  it("maps Comtrade's own numerics and 490 to Taiwan with a flag", () => {
    expect(resolveComtradeCode(842)?.id).toBe("US");
    expect(resolveComtradeCode("251")?.id).toBe("FR");
    expect(resolveComtradeCode(699)?.id).toBe("IN");
    expect(resolveComtradeCode(757)?.id).toBe("CH");
    expect(resolveComtradeCode(579)?.id).toBe("NO");
    expect(resolveComtradeCode(381)?.id).toBe("IT");
    expect(resolveComtradeCode(490)).toMatchObject({ kind: "country", id: "TW", flags: ["comtrade_490_as_TW"] });
    expect(resolveComtradeCode(156)?.id).toBe("CN");
    expect(resolveComtradeCode(344)?.id).toBe("HK");
    expect(resolveComtradeCode(0)).toMatchObject({ kind: "group", id: "GROUP:WORLD" });
    expect(resolveComtradeCode(97)).toMatchObject({ kind: "group", id: "GROUP:EU" });
    expect(resolveComtradeCode(998)).toBeNull();
    expect(resolveComtradeCode("x")).toBeNull();
  });
});

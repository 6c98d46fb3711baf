import { alertFingerprint, inhibitionScope, matches, type Silence, signingSecrets, silenceMatches } from "@entrepot/delivery";
import type { Subscription } from "@entrepot/schemas";
import { makeAlert, makeSubscription } from "@entrepot/testkit";
import { describe, expect, it } from "vitest";
import { digestBody, slackBody } from "./webhookDelivery";

const sub = (filters: Partial<Subscription["filters"]>) => makeSubscription(filters);

describe("routing rules", () => {
  it("filters by company, region, rule, HS prefix and minimum severity", () => {
    const a = makeAlert({ entity: { company: "NVDA" }, severity: "warning" });
    expect(matches(sub({}), a)).toBe(true);
    expect(matches(sub({ companies: ["AMD"] }), a)).toBe(false);
    expect(matches(sub({ regions: ["SG", "TW"] }), a)).toBe(true);
    expect(matches(sub({ minSeverity: "critical" }), a)).toBe(false);
    expect(matches(sub({ hsPrefixes: ["8471"] }), a)).toBe(false);
    expect(matches(sub({ hsPrefixes: ["8471"] }), makeAlert({ entity: { reporter: "SG", hs: "847180" } }))).toBe(true);
    expect(matches({ ...sub({}), enabled: false }, a)).toBe(false);
  });

  it("silences match on every given matcher until they expire", () => {
    const s: Silence = {
      id: "sil_1",
      matchers: { company: "NVDA", region: "SG" },
      comment: "",
      createdAt: "2026-01-01T00:00:00Z",
      expiresAt: "2026-01-02T00:00:00Z",
    };
    const before = Date.parse("2026-01-01T12:00:00Z");
    expect(silenceMatches(s, makeAlert(), before)).toBe(true);
    expect(silenceMatches(s, makeAlert({ region: "TW" }), before)).toBe(false);
    expect(silenceMatches(s, makeAlert(), Date.parse("2026-01-02T00:00:00Z"))).toBe(false);
  });

  it("fingerprints content, not revision or detection time; scopes inhibition by entity and period", () => {
    const a = makeAlert();
    expect(alertFingerprint({ ...a, revision: 2, detectedAt: "2030-01-01T00:00:00Z" })).toBe(alertFingerprint(a));
    expect(alertFingerprint({ ...a, observed: 0.3 })).not.toBe(alertFingerprint(a));
    expect(inhibitionScope(makeAlert({ region: "TW", rule: "x" }))).toBe(inhibitionScope(a));
    expect(inhibitionScope(makeAlert({ period: "FY2025-Q2" }))).not.toBe(inhibitionScope(a));
  });

  it("formats Slack messages for people and digests for machines", () => {
    const a = makeAlert();
    const one = JSON.parse(slackBody([a])) as { text: string };
    expect(one.text).toContain(a.summary);
    expect(one.text).toContain("Singapore");
    expect(one.text).toContain("22.0%");
    expect((JSON.parse(slackBody([a, makeAlert({ region: "TW" })])) as { text: string }).text).toMatch(/^2 alerts/);
    expect(JSON.parse(digestBody([a], "t"))).toMatchObject({ type: "alert.digest", data: { count: 1 } });
  });
});

describe("signing secrets during rotation", () => {
  it("signs with the current secret and every previous one until its expiry", () => {
    const s = {
      ...sub({}),
      secret: "whsec_bmV3bmV3bmV3bmV3bmV3bmV3",
      previousSecrets: [
        { secret: "whsec_b2xkb2xkb2xkb2xkb2xkb2xk", expiresAt: "2026-01-02T00:00:00Z" },
        { secret: "whsec_b2xkZXJvbGRlcm9sZGVyb2xk", expiresAt: "2026-01-01T00:00:00Z" },
      ],
    };
    expect(signingSecrets(s, Date.parse("2026-01-01T12:00:00Z"))).toEqual([s.secret, "whsec_b2xkb2xkb2xkb2xkb2xkb2xk"]);
    expect(signingSecrets(s, Date.parse("2026-01-02T00:00:00Z"))).toEqual([s.secret]);
  });
});

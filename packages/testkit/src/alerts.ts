import type { Alert, Subscription } from "@entrepot/schemas";

/** A valid alert for tests (NVDA billed 22% to Singapore in FY2025-Q3); fields overridable. */
export function makeAlert(overrides: Partial<Alert> = {}): Alert {
  const company = overrides.entity?.company ?? "NVDA";
  const rule = overrides.rule ?? "share_shift_yoy";
  const region = overrides.region ?? "SG";
  const period = overrides.period ?? "FY2025-Q3";
  return {
    schemaVersion: 1,
    alertId: `${rule}|${company}|${region}|${period}`,
    rule,
    status: "fired",
    severity: "warning",
    entity: { company },
    region,
    regionName: region === "SG" ? "Singapore" : region,
    period,
    baselinePeriod: "FY2023-Q3",
    observed: 0.22,
    baseline: 0.09,
    score: 13,
    threshold: 5,
    summary: `${company} billed 22.0% of revenue to ${region} in ${period}, up from 9.0% in FY2023-Q3.`,
    basis: "revenue by customer billing location",
    evidence: [],
    revision: 1,
    detectedAt: new Date().toISOString(),
    ...overrides,
  };
}

/** A valid, enabled webhook subscription for tests (no filter: matches every alert); filters and fields overridable. */
export function makeSubscription(filters: Partial<Subscription["filters"]> = {}, overrides: Partial<Subscription> = {}): Subscription {
  return {
    id: "sub_1",
    channel: "webhook",
    url: "https://hooks.example.com/",
    secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
    previousSecrets: [],
    filters: { companies: [], regions: [], rules: [], hsPrefixes: [], minSeverity: "info", ...filters },
    enabled: true,
    createdAt: "2026-01-01T00:00:00Z",
    ...overrides,
  };
}

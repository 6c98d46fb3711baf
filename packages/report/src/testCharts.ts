import type { Alert } from "@entrepot/schemas";

/** An alert with the fields a test cares about, the rest filled in. */
export function testAlert(overrides: Partial<Alert> & Pick<Alert, "rule" | "region" | "period">): Alert {
  const entity = overrides.entity ?? { company: "NVDA" };
  return {
    schemaVersion: 1,
    alertId: `${overrides.rule}|${Object.values(entity).join("+")}|${overrides.region}|${overrides.period}`,
    kind: "anomaly",
    status: "fired",
    severity: "warning",
    entity,
    regionName: overrides.region,
    baselinePeriod: overrides.period,
    observed: 0.22,
    baseline: 0.13,
    score: 4.1,
    threshold: 3.5,
    summary: `${overrides.region} moved in ${overrides.period}.`,
    basis: "revenue by customer billing location",
    evidence: [`NVDA|${overrides.period}|${overrides.region}`],
    revision: 1,
    detectedAt: "2026-01-01T00:00:00.000Z",
    ...overrides,
  };
}

import type { Alert } from "@entrepot/schemas";

/**
 * An alert with the fields a test cares about (rule, region, period), the rest filled in: NVDA,
 * fired, warning, revision 1, an id from rule, entity, region and period.
 */
export function alertFixture(overrides: Partial<Alert> & Pick<Alert, "rule" | "region" | "period">): Alert {
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
    evidence: [`${Object.values(entity).join("+")}|${overrides.period}|${overrides.region}`],
    revision: 1,
    detectedAt: "2026-01-01T00:00:00.000Z",
    ...overrides,
  };
}

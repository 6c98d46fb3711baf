import type { Alert } from "@entrepot/schemas";

/** Alert number `i` of the API tests: regions R0.., NVDA for i < 3 (AMD after), critical when i is even. */
export function alert(i: number, overrides: Partial<Alert> = {}): Alert {
  return {
    schemaVersion: 1,
    alertId: `share_shift_yoy|NVDA|R${i}|FY2025-Q3`,
    rule: "share_shift_yoy",
    status: "fired",
    severity: i % 2 === 0 ? "critical" : "warning",
    entity: { company: i < 3 ? "NVDA" : "AMD" },
    region: `R${i}`,
    regionName: `Region ${i}`,
    period: "FY2025-Q3",
    baselinePeriod: "FY2023-Q3",
    observed: 0.2,
    baseline: 0.1,
    score: 10,
    threshold: 5,
    summary: `alert ${i}`,
    basis: "revenue by customer billing location",
    evidence: [],
    revision: 1,
    detectedAt: new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString(),
    ...overrides,
  };
}

import type { Alert } from "@entrepot/schemas";
import { Alert as AlertSchema } from "@entrepot/schemas";
import { describe, expect, it } from "vitest";
import { applyAlertChanges, reconcileAlerts } from "./lifecycle";
import { alertDraft } from "./testData";

const draft = alertDraft;

const state = (alerts: Alert[]) => new Map(alerts.map((a) => [a.alertId, a]));

describe("alert lifecycle", () => {
  it("fired -> unchanged (nothing) -> updated -> retracted -> fired again as updated", () => {
    const t = "2026-01-01T00:00:00.000Z";
    const fired = reconcileAlerts(new Map(), [draft()], t);
    expect(fired.map((a) => [a.status, a.revision])).toEqual([["fired", 1]]);
    expect(AlertSchema.parse(fired[0])).toEqual(fired[0]);
    let s = applyAlertChanges(new Map(), fired);
    expect(reconcileAlerts(s, [draft()], t)).toEqual([]);
    const updated = reconcileAlerts(s, [draft({ observed: 0.23, summary: "Singapore's share rose to 23.0%" })], t);
    expect(updated.map((a) => [a.status, a.revision, a.observed])).toEqual([["updated", 2, 0.23]]);
    s = applyAlertChanges(s, updated);
    const retracted = reconcileAlerts(s, [], t);
    expect(retracted.map((a) => [a.status, a.revision])).toEqual([["retracted", 3]]);
    s = applyAlertChanges(s, retracted);
    expect(reconcileAlerts(s, [], t)).toEqual([]);
    expect(reconcileAlerts(s, [draft()], t).map((a) => [a.status, a.revision])).toEqual([["updated", 4]]);
  });

  it("a draft whose condition ended is published once as resolved, without the internal flag", () => {
    const t = "2026-01-01T00:00:00.000Z";
    const s = state(reconcileAlerts(new Map(), [draft()], t));
    const resolved = reconcileAlerts(s, [draft({ resolved: true })], t);
    expect(resolved.map((a) => [a.status, a.revision])).toEqual([["resolved", 2]]);
    expect(resolved[0]).not.toHaveProperty("resolved");
    expect(reconcileAlerts(applyAlertChanges(s, resolved), [draft({ resolved: true })], t)).toEqual([]);
  });
});

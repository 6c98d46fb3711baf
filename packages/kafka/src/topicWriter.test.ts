import type { Alert, Rejection } from "@entrepot/schemas";
import { HEADERS } from "@entrepot/schemas";
import { makeAlert } from "@entrepot/testkit";
import { describe, expect, it } from "vitest";
import type { OutgoingMessage } from "./producer";
import { TopicContractError, TopicWriter } from "./topicWriter";

const alert = makeAlert();
const v1 = { [HEADERS.schemaVersion]: "1" };

function writer() {
  const sent: OutgoingMessage[][] = [];
  const w = new TopicWriter({ send: async (messages: readonly OutgoingMessage[]) => void sent.push([...messages]) }, "p.");
  return { w, sent };
}

describe("TopicWriter", () => {
  it("sends to the prefixed topic, keyed by the catalog unless a key is given, the value untouched", async () => {
    const { w, sent } = writer();
    const extra = { ...alert, notInTheSchema: true } as Alert;
    await w.produce("alerts", [{ value: extra, headers: v1 }]);
    const rejection: Rejection = { schemaVersion: 1, stage: "notify", reason: "bad_json", message: "m", raw: "x", rejectedAt: "t" };
    const dead = { ...v1, [HEADERS.dlqStage]: "notify", [HEADERS.dlqErrorClass]: "bad_json", [HEADERS.dlqReason]: "bad_json" };
    await w.send([
      { topic: "alerts", key: "explicit", value: alert, headers: v1 },
      { topic: "rejects", value: rejection, headers: dead },
    ]);
    expect(sent).toEqual([
      [{ topic: "p.alerts.v1", key: alert.alertId, value: extra, headers: v1 }],
      [
        { topic: "p.alerts.v1", key: "explicit", value: alert, headers: v1 },
        { topic: "p.rejects.v1", key: "notify:bad_json", value: rejection, headers: dead },
      ],
    ]);
  });

  it("sends nothing of a batch with a value or headers outside the topic's contract", async () => {
    const { w, sent } = writer();
    const bad = { ...alert, severity: "loud" } as unknown as Alert;
    await expect(
      w.send([
        { topic: "alerts", value: alert, headers: v1 },
        { topic: "alerts", value: bad, headers: v1 },
      ]),
    ).rejects.toThrow(
      new TopicContractError("alerts.v1", "value", 'severity: Invalid option: expected one of "info"|"warning"|"critical"'),
    );
    await expect(w.produce("alerts", [{ value: alert }])).rejects.toThrow(/alerts\.v1 does not match the topic's headers schema/);
    expect(sent).toEqual([]);
  });

  it("checks only the headers of a value its caller checked against the topic's schema (valueChecked)", async () => {
    const { w, sent } = writer();
    // outside the contract, to show the value check is the caller's: the writer sends it as given
    const checkedElsewhere = { ...alert, severity: "loud" } as unknown as Alert;
    await w.send([{ topic: "alerts", value: checkedElsewhere, headers: v1, valueChecked: true }]);
    expect(sent).toEqual([[{ topic: "p.alerts.v1", key: alert.alertId, value: checkedElsewhere, headers: v1 }]]);
    await expect(w.send([{ topic: "alerts", value: alert, valueChecked: true }])).rejects.toThrow(
      /alerts\.v1 does not match the topic's headers schema/,
    );
    expect(sent).toHaveLength(1);
  });
});

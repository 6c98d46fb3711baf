import { describe, expect, it } from "vitest";
import { startReceiver } from "./receiver";

const post = (url: string, body: string) => fetch(url, { method: "POST", body, headers: { "webhook-id": "msg_1" } });

describe("startReceiver (a local webhook subscriber)", () => {
  it("records every request with the status it answered, scripted answers first, then the default", async () => {
    const receiver = await startReceiver();
    try {
      expect(receiver.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/hook$/);
      receiver.script([{ status: 503, retryAfter: "7" }]);
      const first = await post(receiver.url, '{"n":1}');
      expect([first.status, first.headers.get("retry-after")]).toEqual([503, "7"]);
      expect((await post(receiver.url, '{"n":2}')).status).toBe(200);
      receiver.respondWith(410);
      expect((await post(receiver.url, '{"n":3}')).status).toBe(410);
      expect(receiver.requests.map((r) => [r.method, r.path, r.body, r.status, r.headers["webhook-id"]])).toEqual([
        ["POST", "/hook", '{"n":1}', 503, "msg_1"],
        ["POST", "/hook", '{"n":2}', 200, "msg_1"],
        ["POST", "/hook", '{"n":3}', 410, "msg_1"],
      ]);
    } finally {
      await receiver.close();
    }
  });

  it("refuses connections while down and answers on the same URL once up again; close is idempotent", async () => {
    const receiver = await startReceiver();
    await receiver.down();
    await expect(post(receiver.url, "x")).rejects.toThrow();
    await receiver.up();
    expect((await post(receiver.url, "y")).status).toBe(200);
    await Promise.all([receiver.close(), receiver.close()]);
    expect(receiver.requests.map((r) => r.body)).toEqual(["y"]);
  });
});

import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger } from "./logger";

describe("createLogger", () => {
  it("writes JSON lines and redacts secrets and authorization headers", () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const log = createLogger({ name: "t", destination });
    log.info({ subscription: { secret: "whsec_abc" }, headers: { authorization: "Bearer k" } }, "created");
    const entry = JSON.parse(lines[0] ?? "{}");
    expect(entry).toMatchObject({
      name: "t",
      msg: "created",
      subscription: { secret: "[redacted]" },
      headers: { authorization: "[redacted]" },
    });
    expect(lines.join("")).not.toContain("whsec_abc");
  });
});

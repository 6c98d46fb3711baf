import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { webhookSecretProblem } from "./keyMaterial";
import { escapeSlackText } from "./slackText";
import { generateSecret } from "./standardWebhooks";

describe("webhook secret strength", () => {
  it.each([
    ["only padding (a 0-byte key)", "whsec_========================"],
    ["1 byte", "whsec_QQ=="],
    ["23 bytes", `whsec_${randomBytes(23).toString("base64")}`],
    ["printable text", `whsec_${Buffer.from("my webhook password is good!").toString("base64")}`],
    ["repeated bytes", `whsec_${Buffer.alloc(32, 7).toString("base64")}`],
    ["no prefix", randomBytes(32).toString("base64")],
    ["not base64", "whsec_!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"],
    ["URL-safe base64", `whsec_${Buffer.from([251, 255, ...randomBytes(30)]).toString("base64url")}`],
  ])("refuses %s", (_label, secret) => {
    expect(webhookSecretProblem(secret)).toBeDefined();
  });

  it("accepts generated and random secrets of 24+ bytes", () => {
    for (let i = 0; i < 50; i++) expect(webhookSecretProblem(generateSecret())).toBeUndefined();
    expect(webhookSecretProblem(`whsec_${randomBytes(32).toString("base64")}`)).toBeUndefined();
  });
});

describe("Slack text escaping", () => {
  it("neutralises mentions, broadcasts and disguised links", () => {
    const text = escapeSlackText("<!channel> ping <@U123ABC> see <http://evil.example|bank.example> & <#C1> 5 > 3");
    expect(text).toBe("&lt;!channel&gt; ping &lt;@U123ABC&gt; see &lt;http://evil.example|bank.example&gt; &amp; &lt;#C1&gt; 5 &gt; 3");
    expect(text).not.toMatch(/[<>]/);
  });
});

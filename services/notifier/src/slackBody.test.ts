import { makeAlert } from "@entrepot/testkit";
import { describe, expect, it } from "vitest";
import { slackBody } from "./webhookDelivery";

describe("Slack messages", () => {
  it("escape alert text: no broadcast, mention or disguised link reaches Slack", () => {
    const hostile = makeAlert({ summary: "<!channel> <@U0123ABC> see <https://evil.example|bank.example> & more", regionName: "<!here>" });
    const body = JSON.parse(slackBody([hostile])) as { text: string; blocks: { text: { text: string } }[] };
    for (const text of [body.text, body.blocks[0]?.text.text ?? ""]) {
      expect(text).not.toMatch(/<[!@#]|<https?:/);
      expect(text).toContain("&lt;!channel&gt; &lt;@U0123ABC&gt; see &lt;https://evil.example|bank.example&gt; &amp; more");
      expect(text).toContain("&lt;!here&gt;");
    }
  });
});

/**
 * Escapes text for a Slack message (mrkdwn or plain): `&`, `<` and `>` become entities, so text
 * taken from data can neither ping (`<!channel>`, `<!here>`, `<@U123>`, `<#C123>`) nor show a
 * disguised link (`<https://evil.example|bank.example>`). Slack's own formatting (`*bold*`) is
 * left alone.
 */
export function escapeSlackText(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

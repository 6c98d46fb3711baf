import { parseRetryAfter, signingSecrets } from "@entrepot/delivery";
import type { Alert, Subscription } from "@entrepot/schemas";
import { escapeSlackText, guardedPost, type OutboundPolicy, type PostResult, signedHeaders } from "@entrepot/webhooks";

/** The event ids are `@entrepot/delivery`'s (routing decides with them); re-exported for the notifier's callers. */
export { digestEventId, eventIdFor } from "@entrepot/delivery";

/** The JSON body subscribers receive for one alert. */
export function webhookBody(alert: Alert): string {
  return JSON.stringify({ type: `alert.${alert.status}`, timestamp: alert.detectedAt, data: alert });
}

/** The JSON body of a digest: several alerts for one subscriber in one grouping window. */
export function digestBody(alerts: readonly Alert[], at: string): string {
  return JSON.stringify({ type: "alert.digest", timestamp: at, data: { count: alerts.length, alerts } });
}

const SEVERITY_ICON: Record<Alert["severity"], string> = {
  info: ":information_source:",
  warning: ":warning:",
  critical: ":rotating_light:",
};

/** A Slack incoming-webhook message for people: the alert's sentence, with its numbers and basis. */
export function slackBody(alerts: readonly Alert[]): string {
  const line = (a: Alert) =>
    `${SEVERITY_ICON[a.severity]} *${a.severity.toUpperCase()}* ${a.rule} · ${Object.values(a.entity).join("/")} · ${a.regionName} · ${a.period}\n${a.summary}\n_${a.basis}; observed ${fmt(a.observed)}, baseline ${fmt(a.baseline)} (${a.baselinePeriod})_`;
  // the alert's text comes from data: escaped, so it can neither ping (<!channel>, <@U…>) nor disguise a link
  const text = escapeSlackText(
    alerts.length === 1 ? line(alerts[0] as Alert) : `${alerts.length} alerts\n\n${alerts.map(line).join("\n\n")}`,
  );
  return JSON.stringify({ text, blocks: [{ type: "section", text: { type: "mrkdwn", text: text.slice(0, 3000) } }] });
}

function fmt(n: number): string {
  return Math.abs(n) <= 1 ? `${(n * 100).toFixed(1)}%` : n.toLocaleString("en-US");
}

export class DeliveryError extends Error {
  constructor(
    message: string,
    readonly status?: number,
    /** the subscriber's Retry-After, in ms */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = "DeliveryError";
  }
}

export interface SendOptions {
  policy: OutboundPolicy;
  timeoutMs: number;
  maxResponseBytes: number;
}

/**
 * Sends one message (one alert, or a digest) to one subscription: Standard Webhooks signed
 * JSON for `webhook`, a formatted message for `slack`. Throws DeliveryError on a non-2xx answer
 * or a network failure, OutboundPolicyError when the URL points at a refused address.
 */
export async function sendToSubscription(
  sub: Subscription,
  eventId: string,
  alerts: readonly Alert[],
  options: SendOptions,
): Promise<PostResult> {
  const first = alerts[0];
  if (!first) throw new Error("nothing to send");
  let body: string;
  let headers: Record<string, string> = { "content-type": "application/json", "user-agent": "entrepot-notifier/0.1" };
  if (sub.channel === "slack") {
    body = slackBody(alerts);
  } else {
    body = alerts.length === 1 ? webhookBody(first) : digestBody(alerts, new Date().toISOString());
    headers = { ...headers, ...signedHeaders(signingSecrets(sub), eventId, body) };
  }
  let res: PostResult;
  try {
    res = await guardedPost(sub.url, body, {
      policy: options.policy,
      headers,
      timeoutMs: options.timeoutMs,
      maxResponseBytes: options.maxResponseBytes,
    });
  } catch (err) {
    if ((err as Error).name === "OutboundPolicyError") throw err;
    throw new DeliveryError(`POST ${new URL(sub.url).origin} failed: ${(err as Error).message}`);
  }
  if (res.status < 200 || res.status >= 300) {
    const snippet = res.body.slice(0, 200).replace(/\s+/g, " ");
    throw new DeliveryError(
      `POST ${new URL(sub.url).origin} answered ${res.status}${snippet ? `: ${snippet}` : ""}`,
      res.status,
      parseRetryAfter(res.retryAfter),
    );
  }
  return res;
}

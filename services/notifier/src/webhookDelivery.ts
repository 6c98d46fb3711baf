import { createHash } from "node:crypto";
import type { Alert, Subscription } from "@entrepot/schemas";
import { signedHeaders } from "@entrepot/webhooks";

/** Stable event id for one revision of one alert: the `webhook-id` subscribers de-duplicate on. */
export function eventIdFor(alert: Pick<Alert, "alertId" | "revision">): string {
  return `evt_${createHash("sha256").update(`${alert.alertId}#${alert.revision}`).digest("hex").slice(0, 32)}`;
}

/** The JSON body subscribers receive. */
export function webhookBody(alert: Alert): string {
  return JSON.stringify({ type: `alert.${alert.status}`, timestamp: alert.detectedAt, data: alert });
}

export class DeliveryError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = "DeliveryError";
  }
}

/** POSTs one signed webhook; throws DeliveryError on a non-2xx answer or a network failure. */
export async function postWebhook(sub: Subscription, alert: Alert, timeoutMs = 10_000): Promise<number> {
  const body = webhookBody(alert);
  const headers = signedHeaders([sub.secret], eventIdFor(alert), body);
  let res: Response;
  try {
    res = await fetch(sub.url, {
      method: "POST",
      headers: { "content-type": "application/json", "user-agent": "entrepot-notifier/0.1", ...headers },
      body,
      redirect: "manual",
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    throw new DeliveryError(`POST ${new URL(sub.url).origin} failed: ${(err as Error).message}`);
  }
  await res.body?.cancel();
  if (res.status < 200 || res.status >= 300) throw new DeliveryError(`POST ${new URL(sub.url).origin} answered ${res.status}`, res.status);
  return res.status;
}

import { lookup } from "node:dns/promises";
import { isIP } from "node:net";
import type { Logger } from "@entrepot/runtime";
import { createKafka } from "./client";

/** Why the brokers could not be reached: an unknown host fails at once, the others after bounded retries. */
export type UnreachableReason = "unknown_host" | "refused" | "timeout" | "error";

/** No broker of the list answered a Metadata request within the deadline. */
export class KafkaUnreachableError extends Error {
  override name = "KafkaUnreachableError";
  constructor(
    readonly brokers: readonly string[],
    readonly reason: UnreachableReason,
    readonly detail: string,
    options?: { cause?: unknown },
  ) {
    super(`Kafka is not reachable at ${brokers.join(",")} (${detail})`, options);
  }
}

export interface KafkaHealth {
  /** brokers in the cluster's metadata */
  brokers: number;
  controller: number | null;
  clusterId: string;
  /** time to connect and answer the cluster description, ms */
  latencyMs: number;
}

export interface ProbeOptions {
  brokers: readonly string[];
  logger: Logger;
  /** overall deadline, ms (default 8000) */
  timeoutMs?: number;
}

function hostOf(broker: string): string {
  return broker.slice(0, broker.lastIndexOf(":")).replace(/^\[|\]$/g, "");
}

/** ENOTFOUND (or EAI_AGAIN) for every broker: the list names no host that exists, retrying cannot help. */
async function unknownHosts(brokers: readonly string[]): Promise<string | undefined> {
  const failures = await Promise.all(
    brokers.map(async (b) => {
      const host = hostOf(b);
      if (isIP(host) !== 0) return undefined;
      try {
        await lookup(host);
        return undefined;
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        return code === "ENOTFOUND" || code === "EAI_AGAIN" || code === "EAI_NONAME" ? `unknown host ${host}` : undefined;
      }
    }),
  );
  return failures.every((f) => f !== undefined) ? failures[0] : undefined;
}

function classify(err: unknown): { reason: UnreachableReason; detail: string } {
  const text = [err, (err as { cause?: unknown }).cause, (err as { originalError?: unknown }).originalError]
    .map((e) => (e instanceof Error ? e.message : ""))
    .join(" ");
  if (/ECONNREFUSED|Connection refused/i.test(text)) return { reason: "refused", detail: "connection refused" };
  if (/ENOTFOUND|EAI_AGAIN/i.test(text)) return { reason: "unknown_host", detail: "unknown host" };
  if (/timeout|timed out/i.test(text)) return { reason: "timeout", detail: "no answer" };
  return { reason: "error", detail: text.trim() || "connection failed" };
}

/**
 * Connects to the brokers with a short connection timeout and one retry and describes the
 * cluster, within `timeoutMs`: for commands that must fail fast and say why (the CLI). Throws a
 * `KafkaUnreachableError`; an unknown host fails before any connection attempt.
 */
export async function probeKafka(options: ProbeOptions): Promise<KafkaHealth> {
  const timeoutMs = options.timeoutMs ?? 8000;
  const unknown = await unknownHosts(options.brokers);
  if (unknown) throw new KafkaUnreachableError(options.brokers, "unknown_host", unknown);
  const kafka = createKafka({
    brokers: options.brokers,
    clientId: "entrepot-probe",
    logger: options.logger,
    connectionTimeout: Math.min(3000, timeoutMs),
    retry: { retries: 1, initialRetryTime: 300, maxRetryTime: 1000 },
  });
  const admin = kafka.admin();
  const started = Date.now();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new KafkaUnreachableError(options.brokers, "timeout", `no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    const cluster = await Promise.race([
      (async () => {
        await admin.connect();
        return admin.describeCluster();
      })(),
      deadline,
    ]);
    return {
      brokers: cluster.brokers.length,
      controller: cluster.controller,
      clusterId: cluster.clusterId,
      latencyMs: Date.now() - started,
    };
  } catch (err) {
    if (err instanceof KafkaUnreachableError) throw err;
    const { reason, detail } = classify(err);
    throw new KafkaUnreachableError(options.brokers, reason, detail, { cause: err });
  } finally {
    clearTimeout(timer);
    await admin.disconnect().catch(() => undefined);
  }
}

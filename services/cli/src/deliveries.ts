import { parseArgs } from "node:util";
import {
  DEFAULT_SILENCE_MAX_MS,
  DeliveryAdmin,
  OutboundPolicyEnv,
  SecretKeyEnv,
  SilenceStore,
  SubscriptionStore,
} from "@entrepot/delivery";
import { intFromEnv, loadConfig } from "@entrepot/runtime";
import type { Redis } from "ioredis";
import { z } from "zod";
import { withRedis } from "./connections";

type Print = (line: string) => void;

/** Thrown for wrong arguments; main.ts prints it with the usage text. */
export class DeliveriesUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

export const DELIVERIES_USAGE = `  deliveries failed [--json]           deliveries that exhausted their retries (the failed set)
  deliveries retry <job-id>|--all      replay one failed delivery, or all of them
  deliveries recover --since <ISO time>  replay the deliveries that failed since then
  silences add [--company C] [--region R] [--rule X] (--for 2h | --until <ISO time>) [--comment T] [--json]
  silences list [--all] [--json]
  silences rm <id>`;

const SubscriptionsEnv = z.object({
  /** required: the CLI never writes a subscription secret in plain text next to encrypted ones */
  ENTREPOT_SECRET_KEY: SecretKeyEnv,
  /** the notifier's allow-list: `subscriptions add` refuses what delivery would refuse */
  ENTREPOT_WEBHOOK_ALLOW: OutboundPolicyEnv,
});

/**
 * The subscription store of the `subscriptions` commands: secrets encrypted with
 * ENTREPOT_SECRET_KEY (required: throws a ConfigError naming it, and how to generate one, when
 * unset or weak), URLs checked against ENTREPOT_WEBHOOK_ALLOW at creation, and each unreadable
 * record named on stderr instead of failing the listing.
 */
export function subscriptionStoreFromEnv(redis: Redis, prefix: string, env: NodeJS.ProcessEnv = process.env): SubscriptionStore {
  const config = loadConfig(SubscriptionsEnv, env);
  return new SubscriptionStore(redis, prefix, config.ENTREPOT_SECRET_KEY, {
    outboundPolicy: config.ENTREPOT_WEBHOOK_ALLOW,
    onUnreadable: (r) =>
      process.stderr.write(
        `entrepot: subscription ${r.id} is unreadable and skipped${r.keyId ? ` (sealed with key ${r.keyId})` : ""}: ${r.reason}\n`,
      ),
  });
}

const SilencesEnv = z.object({ ENTREPOT_SILENCE_MAX_DAYS: intFromEnv(1, 3650).default(DEFAULT_SILENCE_MAX_MS / 86_400_000) });

/** `entrepot deliveries failed|retry <id>|retry --all|recover --since T` */
export async function deliveriesCommand(
  sub: string | undefined,
  args: string[],
  redisUrl: string,
  prefix: string,
  print: Print,
): Promise<number> {
  return withRedis(redisUrl, async (redis) => {
    const admin = new DeliveryAdmin(redis, prefix);
    try {
      if (sub === "failed") {
        const { values } = parseArgs({ args, options: { json: { type: "boolean" } } });
        const failed = await admin.failed();
        if (values.json) print(JSON.stringify(failed, null, 2));
        else {
          for (const f of failed) print(`${f.jobId}  ${f.failedAt ?? "-"}  attempts=${f.attempts}  ${f.reason}`);
          print(`${failed.length} failed deliveries`);
        }
        return 0;
      }
      if (sub === "retry") {
        const { values, positionals } = parseArgs({ args, options: { all: { type: "boolean" } }, allowPositionals: true });
        if (values.all) {
          print(`replaying ${await admin.retryAll()} failed deliveries`);
          return 0;
        }
        const id = positionals[0];
        if (!id) throw new DeliveriesUsageError("deliveries retry needs a job id or --all");
        if (!(await admin.retry(id))) {
          process.stderr.write(`no failed delivery ${id}\n`);
          return 1;
        }
        print(`replaying ${id}`);
        return 0;
      }
      if (sub === "recover") {
        const { values } = parseArgs({ args, options: { since: { type: "string" } } });
        const since = Date.parse(values.since ?? "");
        if (Number.isNaN(since)) throw new DeliveriesUsageError("deliveries recover needs --since <ISO time>");
        print(`replaying ${await admin.retryAll(new Date(since))} deliveries that failed since ${new Date(since).toISOString()}`);
        return 0;
      }
      throw new DeliveriesUsageError("deliveries needs failed, retry or recover");
    } finally {
      await admin.close();
    }
  });
}

/** "90s", "30m", "2h", "7d" -> ms */
export function parseDuration(text: string): number {
  const m = /^(\d+)(s|m|h|d)$/.exec(text.trim());
  if (!m) throw new DeliveriesUsageError(`"${text}" is not a duration like 30m, 2h or 7d`);
  return Number(m[1]) * { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as "s" | "m" | "h" | "d"];
}

/** `entrepot silences add|list|rm` */
export async function silencesCommand(
  sub: string | undefined,
  args: string[],
  redisUrl: string,
  prefix: string,
  print: Print,
): Promise<number> {
  return withRedis(redisUrl, async (redis) => {
    const store = new SilenceStore(redis, prefix, { maxDurationMs: loadConfig(SilencesEnv).ENTREPOT_SILENCE_MAX_DAYS * 86_400_000 });
    if (sub === "add") {
      const { values } = parseArgs({
        args,
        options: {
          company: { type: "string" },
          region: { type: "string" },
          rule: { type: "string" },
          for: { type: "string" },
          until: { type: "string" },
          comment: { type: "string" },
          json: { type: "boolean" },
        },
      });
      if ((values.for === undefined) === (values.until === undefined))
        throw new DeliveriesUsageError("silences add needs either --for or --until");
      const expiresAt =
        values.until !== undefined ? new Date(Date.parse(values.until)) : new Date(Date.now() + parseDuration(values.for ?? ""));
      if (Number.isNaN(expiresAt.getTime())) throw new DeliveriesUsageError("--until must be an ISO time");
      const matchers = {
        ...(values.company ? { company: values.company } : {}),
        ...(values.region ? { region: values.region } : {}),
        ...(values.rule ? { rule: values.rule } : {}),
      };
      if (Object.keys(matchers).length === 0) throw new DeliveriesUsageError("silences add needs --company, --region or --rule");
      const silence = await store.add({
        matchers,
        expiresAt: expiresAt.toISOString(),
        ...(values.comment ? { comment: values.comment } : {}),
      });
      print(values.json ? JSON.stringify(silence, null, 2) : `created ${silence.id} until ${silence.expiresAt}`);
      return 0;
    }
    if (sub === "list") {
      const { values } = parseArgs({ args, options: { all: { type: "boolean" }, json: { type: "boolean" } } });
      const list = await store.list({ includeExpired: values.all ?? false });
      if (values.json) print(JSON.stringify(list, null, 2));
      else for (const s of list) print(`${s.id} until ${s.expiresAt} ${JSON.stringify(s.matchers)} ${s.comment}`);
      return 0;
    }
    if (sub === "rm") {
      const id = args[0];
      if (!id) throw new DeliveriesUsageError("silences rm needs an id");
      if (!(await store.remove(id))) {
        process.stderr.write(`no silence ${id}\n`);
        return 1;
      }
      print(`removed ${id}`);
      return 0;
    }
    throw new DeliveriesUsageError("silences needs add, list or rm");
  });
}

import { publicSubscription, type SubscriptionStore } from "@entrepot/delivery";
import { Severity } from "@entrepot/schemas";
import { type Command, Option } from "commander";
import { cliRuntime, print } from "../cliEnv";
import { action } from "../cliErrors";
import { withRedis } from "../connections";
import { subscriptionStoreFromEnv } from "../deliveries";
import { examples, nonNegativeNumber, repeatable, requiredOption } from "../usage";

async function withStore(run: (store: SubscriptionStore) => Promise<number>): Promise<number> {
  const { config, prefix } = cliRuntime();
  return withRedis(config.REDIS_URL, (redis) => run(subscriptionStoreFromEnv(redis, prefix)));
}

interface AddOptions {
  url: string;
  secret?: string;
  company?: string[];
  region?: string[];
  rule?: string[];
  minSeverity: Severity;
  channel: "webhook" | "slack";
  json?: boolean;
}

/** `entrepot subscriptions add|list|rm|rotate` (Redis) */
export function registerSubscriptions(program: Command): void {
  const subscriptions = examples(
    program.command("subscriptions").description("who receives which alerts (webhooks, Slack)"),
    "subscriptions add --url https://example.org/hook --company NVDA",
    "subscriptions list",
  );
  examples(
    subscriptions
      .command("add")
      .description("subscribe a URL to the alerts matching the filters; prints the signing secret once")
      .addOption(requiredOption("--url <url>", "where the alerts are POSTed"))
      .option("--secret <whsec>", "the signing secret, whsec_... (default: a new random one)")
      .option("--company <company>", "only these companies (repeatable)", repeatable)
      .option("--region <region>", "only these regions (repeatable)", repeatable)
      .option("--rule <rule>", "only these rules (repeatable)", repeatable)
      .addOption(new Option("--min-severity <severity>", "the lowest severity delivered").choices(Severity.options).default("info"))
      .addOption(new Option("--channel <channel>", "how the alert is sent").choices(["webhook", "slack"]).default("webhook"))
      .option("--json", "print the created subscription as JSON"),
    "subscriptions add --url https://example.org/hook --company NVDA --min-severity warning",
    "subscriptions add --url https://hooks.slack.com/services/T/B/X --channel slack --rule share_shift_yoy --json",
  ).action(
    action((options: AddOptions) =>
      withStore(async (store) => {
        const created = await store.add({
          url: options.url,
          channel: options.channel,
          ...(options.secret ? { secret: options.secret } : {}),
          filters: {
            companies: options.company ?? [],
            regions: options.region ?? [],
            rules: options.rule ?? [],
            minSeverity: options.minSeverity,
          },
        });
        if (options.json) print(JSON.stringify(created, null, 2));
        else print(`created ${created.id} -> ${created.url}\nsecret (shown once): ${created.secret}`);
        return 0;
      }),
    ),
  );
  examples(
    subscriptions.command("list").description("every subscription (without secrets)").option("--json", "as JSON"),
    "subscriptions list",
    "subscriptions list --json",
  ).action(
    action((options: { json?: boolean }) =>
      withStore(async (store) => {
        const subs = (await store.list()).map(publicSubscription);
        if (options.json) print(JSON.stringify(subs, null, 2));
        else for (const s of subs) print(`${s.id} ${s.enabled ? "enabled " : "disabled"} ${s.url} ${JSON.stringify(s.filters)}`);
        return 0;
      }),
    ),
  );
  examples(
    subscriptions.command("rm").description("remove a subscription (exit 1 when there is none)").argument("<id>", "the subscription id"),
    "subscriptions rm 0b7c9e1e-3f0a-4c39-9d1b-2f9f5e0c1a11",
  ).action(
    action((id: string) =>
      withStore(async (store) => {
        if (!(await store.remove(id))) {
          process.stderr.write(`no subscription ${id}\n`);
          return 1;
        }
        print(`removed ${id}`);
        return 0;
      }),
    ),
  );
  examples(
    subscriptions
      .command("rotate")
      .description("a new signing secret (shown once); the old one signs too for the grace period")
      .argument("<id>", "the subscription id")
      .addOption(new Option("--grace-hours <hours>", "how long the old secret keeps signing").default(24).argParser(nonNegativeNumber)),
    "subscriptions rotate 0b7c9e1e-3f0a-4c39-9d1b-2f9f5e0c1a11",
    "subscriptions rotate 0b7c9e1e-3f0a-4c39-9d1b-2f9f5e0c1a11 --grace-hours 2",
  ).action(
    action((id: string, options: { graceHours: number }) =>
      withStore(async (store) => {
        const rotated = await store.rotateSecret(id, { graceMs: options.graceHours * 3_600_000 });
        if (!rotated) {
          process.stderr.write(`no subscription ${id}\n`);
          return 1;
        }
        print(`rotated ${id}\nsecret (shown once): ${rotated.secret}\nprevious secret signs too until ${rotated.previousExpiresAt}`);
        return 0;
      }),
    ),
  );
}

import { readdirSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { type Diagnostic, Parser } from "@asyncapi/parser";
import { beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { ASYNCAPI_COMMAND, ASYNCAPI_PATH, asyncApiDocument, asyncApiYaml } from "./asyncapi";
import { exampleKey, PRODUCER_KEY_EXAMPLES, TOPIC_EXAMPLES } from "./asyncapiExamples";
import { topicJsonSchemaFiles } from "./jsonSchema";
import { CONSUMER_GROUPS, TOPIC_CATALOG, TOPIC_KEYS, type TopicContract, type TopicKey } from "./topicCatalog";

const repoRoot = resolve(import.meta.dirname, "../../..");
const committed = readFileSync(resolve(repoRoot, ASYNCAPI_PATH), "utf8");

/** The official parser, with every remote `$ref` recorded and answered locally instead of fetched. */
function offlineParser(remote: string[]): Parser {
  const refuse = {
    order: 1,
    read: (uri: { toString(): string }) => {
      remote.push(uri.toString());
      return "{}";
    },
  };
  return new Parser({
    __unstable: {
      resolver: {
        resolvers: [
          { schema: "http", ...refuse },
          { schema: "https", ...refuse },
        ],
      },
    },
  });
}

const errors = (diagnostics: Diagnostic[]) =>
  diagnostics.filter((d) => d.severity === 0).map((d) => `${d.code} at ${d.path.join(".")}: ${d.message}`);

/** Every `$ref` anywhere in a JSON value. */
function refsIn(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(refsIn);
  if (value === null || typeof value !== "object") return [];
  return Object.entries(value).flatMap(([k, v]) => (k === "$ref" && typeof v === "string" ? [v] : refsIn(v)));
}

interface Message {
  bindings: { kafka: { key: { examples: string[] } } };
  examples: { headers: Record<string, string>; payload: unknown }[];
}

describe(`the AsyncAPI document (${ASYNCAPI_PATH})`, () => {
  const remote: string[] = [];
  let parsed: Awaited<ReturnType<Parser["parse"]>>;
  beforeAll(async () => {
    parsed = await offlineParser(remote).parse(committed, { source: resolve(repoRoot, ASYNCAPI_PATH) });
  }, 60_000);

  it(`is up to date with the topic catalog (regenerate it with \`${ASYNCAPI_COMMAND}\`)`, () => {
    expect(committed, `${ASYNCAPI_PATH} is out of date: run \`${ASYNCAPI_COMMAND}\` and commit it`).toBe(asyncApiYaml());
  });

  it("parses with the official AsyncAPI parser without an error, and without fetching anything", () => {
    expect(errors(parsed.diagnostics)).toEqual([]);
    expect(parsed.document).toBeDefined();
    expect(parsed.document?.version()).toBe("3.0.0");
    expect(remote).toEqual([]);
    expect(refsIn(parse(committed)).filter((r) => !r.startsWith("#/"))).toEqual([]);
  });

  it("has one channel per topic, with its prefixed address, partitions, cleanup policy and retention", () => {
    const document = parsed.document;
    expect(
      document
        ?.channels()
        .all()
        .map((c) => c.id()),
    ).toEqual(TOPIC_KEYS);
    for (const key of TOPIC_KEYS) {
      const topic = TOPIC_CATALOG[key] as TopicContract;
      const channel = document?.channels().get(key);
      expect(channel?.address()).toBe(`{prefix}${topic.name}`);
      expect(channel?.parameters().get("prefix")?.description()).toContain("ENTREPOT_TOPIC_PREFIX");
      const kafka = channel?.bindings().get("kafka")?.value<Record<string, unknown>>();
      const retention = topic.retentionMs === undefined ? {} : { "retention.ms": topic.retentionMs };
      expect(kafka).toEqual({
        partitions: topic.partitions,
        topicConfiguration: { "cleanup.policy": [topic.cleanupPolicy], ...retention },
      });
      expect(
        channel
          ?.messages()
          .all()
          .map((m) => m.contentType()),
      ).toEqual(["application/json"]);
    }
    expect(document?.servers().get("kafka")?.protocol()).toBe("kafka");
  });

  it("sends every topic, and each consumer group receives the topics it reads, under its group id", () => {
    const operations = parsed.document?.operations().all() ?? [];
    for (const key of TOPIC_KEYS) {
      const on = operations.filter((o) =>
        o
          .channels()
          .all()
          .some((c) => c.id() === key),
      );
      expect(on.filter((o) => o.isSend())).toHaveLength(1);
      const groups = on
        .filter((o) => o.isReceive())
        .map((o) => o.bindings().get("kafka")?.value<{ groupId?: { examples?: string[] } }>().groupId?.examples?.[0]);
      expect(groups).toEqual(TOPIC_CATALOG[key].consumerGroups.map((g) => CONSUMER_GROUPS[g]));
    }
  });

  it("is refused by the parser when a binding is wrong (the check above is live)", async () => {
    const broken = asyncApiDocument() as { channels: Record<string, { bindings: { kafka: { partitions: unknown } } }> };
    const channel = broken.channels.shares;
    if (channel) channel.bindings.kafka.partitions = "three";
    const result = await offlineParser([]).parse(stringify(broken));
    expect(errors(result.diagnostics).join("\n")).toMatch(/channels\.shares\.bindings\.kafka\.partitions/);
  }, 60_000);

  describe.each(TOPIC_KEYS.map((k) => [TOPIC_CATALOG[k].name, k] as [string, TopicKey]))("the example of %s", (_name, key) => {
    const topic = TOPIC_CATALOG[key] as TopicContract;
    const message = (parse(committed) as { components: { messages: Record<string, Message> } }).components.messages[key];

    it("is the topic's example, and validates against the topic's zod schemas (value and headers)", () => {
      expect(message?.examples).toHaveLength(1);
      const [example] = message?.examples ?? [];
      const value = topic.value.safeParse(example?.payload);
      expect(value.success, JSON.stringify(value.error?.issues)).toBe(true);
      const headers = topic.headers.safeParse(example?.headers);
      expect(headers.success, JSON.stringify(headers.error?.issues)).toBe(true);
      expect(example?.payload).toEqual(TOPIC_EXAMPLES[key].payload);
    });

    it("states the key the catalog derives from it (for the raw topics, the key their producer gives it)", () => {
      const [example] = message?.examples ?? [];
      const expected = key in PRODUCER_KEY_EXAMPLES ? exampleKey(key) : topic.key(topic.value.parse(example?.payload));
      expect(message?.bindings.kafka.key.examples).toEqual([expected]);
    });
  });
});

describe("docs/schemas", () => {
  it("holds the JSON Schema of every topic, up to date (regenerate with `pnpm entrepot schemas export --out docs/schemas`)", () => {
    const dir = resolve(repoRoot, "docs/schemas");
    const files = topicJsonSchemaFiles();
    expect(readdirSync(dir).sort()).toEqual(Object.keys(files).sort());
    for (const [name, text] of Object.entries(files)) expect(readFileSync(resolve(dir, name), "utf8"), name).toBe(text);
  });
});

import { mkdirSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { ASYNCAPI_PATH, asyncApiYaml, topicJsonSchemaFiles, topicJsonSchemas } from "@entrepot/schemas";
import type { Command } from "commander";
import { print } from "../cliEnv";
import { action } from "../cliErrors";
import { examples, outputFile } from "../usage";

/** `entrepot schemas export [--out dir]`, `entrepot schemas asyncapi [--out file]` */
export function registerSchemas(program: Command): void {
  const schemas = examples(
    program.command("schemas").description("the messages' contract"),
    "schemas export --out schemas/",
    `schemas asyncapi --out ${ASYNCAPI_PATH}`,
  );
  examples(
    schemas
      .command("export")
      .description("JSON Schema of every topic's messages (the consumers' contract)")
      .option("--out <dir>", "write one <topic>.schema.json per topic there instead of printing them"),
    "schemas export",
    "schemas export --out docs/schemas",
  ).action(
    action((options: { out?: string }) => {
      if (!options.out) {
        print(JSON.stringify(topicJsonSchemas(), null, 2));
        return 0;
      }
      const files = topicJsonSchemaFiles();
      mkdirSync(options.out, { recursive: true });
      for (const [name, text] of Object.entries(files)) writeFileSync(resolve(options.out, name), text);
      print(`wrote ${Object.keys(files).length} JSON Schemas to ${options.out}`);
      return 0;
    }),
  );
  examples(
    schemas
      .command("asyncapi")
      .description("the AsyncAPI 3.0 document of every topic: channels, Kafka bindings, messages, keys, examples, consumer groups")
      .option("--out <file>", "write the YAML there instead of printing it", outputFile),
    "schemas asyncapi",
    `schemas asyncapi --out ${ASYNCAPI_PATH}`,
  ).action(
    action((options: { out?: string }) => {
      const text = asyncApiYaml();
      if (!options.out) {
        print(text.trimEnd());
        return 0;
      }
      writeFileSync(options.out, text);
      print(`wrote the AsyncAPI document to ${options.out}`);
      return 0;
    }),
  );
}

import { mkdirSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { topicJsonSchemas } from "@entrepot/schemas";
import type { Command } from "commander";
import { print } from "../cliEnv";
import { action } from "../cliErrors";
import { examples } from "../usage";

/** `entrepot schemas export [--out dir]` */
export function registerSchemas(program: Command): void {
  const schemas = examples(program.command("schemas").description("the messages' contract"), "schemas export --out schemas/");
  examples(
    schemas
      .command("export")
      .description("JSON Schema of every topic's messages (the consumers' contract)")
      .option("--out <dir>", "write one <topic>.schema.json per topic there instead of printing them"),
    "schemas export",
    "schemas export --out schemas/",
  ).action(
    action((options: { out?: string }) => {
      const all = topicJsonSchemas();
      if (!options.out) {
        print(JSON.stringify(all, null, 2));
        return 0;
      }
      mkdirSync(options.out, { recursive: true });
      for (const [topic, schema] of Object.entries(all))
        writeFileSync(resolve(options.out, `${topic}.schema.json`), `${JSON.stringify(schema, null, 2)}\n`);
      print(`wrote ${Object.keys(all).length} JSON Schemas to ${options.out}`);
      return 0;
    }),
  );
}

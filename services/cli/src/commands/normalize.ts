import type { Command } from "commander";
import { print } from "../cliEnv";
import { action } from "../cliErrors";
import { checkFeedFile, noUsableRow } from "../inputChecks";
import { offlineNormalize } from "../offlineNormalize";
import { examples, existingFile, outputFile, requiredOption, UsageError } from "../usage";
import { basisOption, type FileReadingOptions, feedOption, formatOption, fxOption, mappingOption } from "./fileOptions";

interface NormalizeOptions extends FileReadingOptions {
  out: string;
  rejects?: string;
  fx?: string;
  basis?: string;
}

/** `entrepot normalize <file> --out clean.jsonl [--rejects r.jsonl] [--feed F] [--format F] [--mapping m.json] [--fx R] [--basis B]`: no Kafka, no Redis */
export function registerNormalize(program: Command): void {
  examples(
    program
      .command("normalize")
      .description("normalize a file offline (no Kafka, no Redis); prints the reconciliation as JSON (exit 4: no usable row)")
      .argument("<file>", "the feed file", existingFile)
      .addOption(requiredOption("--out <file>", "clean records, JSON lines").argParser(outputFile))
      .option("--rejects <file>", "dead letters, JSON lines (default: <out>.rejects.jsonl)", outputFile)
      .addOption(feedOption("the feed of every row (default: detected)"))
      .addOption(formatOption())
      .addOption(mappingOption())
      .addOption(fxOption())
      .addOption(basisOption()),
    "normalize comtrade.csv --out clean.jsonl",
    "normalize services/cli/samples/nvda-revenue.csv --out nvda.jsonl --rejects nvda.rejects.jsonl --feed revenue",
  ).action(
    action(async (file: string, options: NormalizeOptions) => {
      // paths are absolute already (usage.ts)
      const rejects = options.rejects ?? options.out.replace(/(\.jsonl)?$/, ".rejects.jsonl");
      if (rejects === options.out)
        throw new UsageError(`--out and --rejects are the same file (${rejects}): the records would overwrite each other`);
      if (rejects === file || options.out === file) throw new UsageError(`an output is the input file (${file})`);
      checkFeedFile(file);
      const report = await offlineNormalize({
        file,
        out: options.out,
        rejects,
        ...(options.feed ? { feed: options.feed } : {}),
        ...(options.format ? { format: options.format } : {}),
        ...(options.mapping ? { mapping: options.mapping } : {}),
        flags: { fx: options.fx, basis: options.basis },
      });
      print(JSON.stringify(report));
      if (report.clean + report.duplicates === 0)
        throw noUsableRow(file, report.read, report.rejected, report.byReason, `the reasons are in ${rejects}`);
      return 0;
    }),
  );
}

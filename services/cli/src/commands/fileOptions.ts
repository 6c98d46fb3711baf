import { readMappingFile } from "@entrepot/feeds";
import { FORMATS, type Format } from "@entrepot/normalize";
import { Feed, RevenueBasis } from "@entrepot/schemas";
import { InvalidArgumentError, Option } from "commander";
import { existingFile } from "../usage";

/** The layouts --format accepts (a mapping is given with --mapping). */
export type Layout = Exclude<Format, "mapping">;
const LAYOUTS: readonly Layout[] = FORMATS.filter((f): f is Layout => f !== "mapping");

/** The options of the commands that read a feed file: ingest and normalize. */
export interface FileReadingOptions {
  feed?: Feed;
  format?: Layout;
  mapping?: string;
}

export const feedOption = (description: string) => new Option("--feed <feed>", description).choices(Feed.options);

export const formatOption = () =>
  new Option("--format <format>", "read the file as this layout instead of detecting it (use --mapping for other layouts)").choices(
    LAYOUTS,
  );

/** A mapping file that exists and is a valid mapping (checked while parsing, before anything connects). */
export function mappingFile(value: string): string {
  const path = existingFile(value);
  try {
    readMappingFile(path);
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
  return path;
}

export const mappingOption = () => new Option("--mapping <file>", "read the file through a column mapping (JSON)").argParser(mappingFile);

/** FX rates to USD over those of ENTREPOT_FX_TO_USD (checked by the same parser when the command runs) */
export const fxOption = () => new Option("--fx <rates>", "FX rates to USD, e.g. EUR=1.08,TWD=0.031 (over ENTREPOT_FX_TO_USD)");

export const basisOption = () =>
  new Option("--basis <basis>", "basis of revenue rows without a basis column (default: billing)").choices(RevenueBasis.options);

export const rulesOption = () =>
  new Option("--rules <file>", "detection rules (YAML or JSON; default: every rule's defaults)").argParser(existingFile);

import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import { CustomsClean, RevenueClean } from "@entrepot/schemas";
import { z } from "zod";

/**
 * One line of `entrepot normalize --out` (`normalizeFile`): the clean fact under the key it has on
 * its clean topic, `{"feed":"revenue","key":"...","value":{...}}`.
 */
export const CleanEnvelope = z.discriminatedUnion("feed", [
  z.object({ feed: z.literal("revenue"), key: z.string(), value: RevenueClean }),
  z.object({ feed: z.literal("customs"), key: z.string(), value: CustomsClean }),
]);
export type CleanEnvelope = z.infer<typeof CleanEnvelope>;

/** What a JSON-lines file of clean facts holds: bare revenue or customs facts, or envelopes (each naming its feed). */
export type CleanDumpKind = "revenue" | "customs" | "envelope";

export type CleanLine =
  | { ok: true; feed: "revenue"; record: RevenueClean }
  | { ok: true; feed: "customs"; record: CustomsClean }
  | { ok: false; message: string };

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function kindOf(value: unknown): CleanDumpKind | undefined {
  if (RevenueClean.safeParse(value).success) return "revenue";
  if (CustomsClean.safeParse(value).success) return "customs";
  if (CleanEnvelope.safeParse(value).success) return "envelope";
  return undefined;
}

/** The kind of clean dump a JSON-lines file is, from its first non-blank line; undefined when it is none (a feed file). */
export async function cleanDumpKind(file: string): Promise<CleanDumpKind | undefined> {
  for await (const text of createInterface({ input: createReadStream(file), crlfDelay: Number.POSITIVE_INFINITY })) {
    if (text.trim()) return kindOf(parseJson(text));
  }
  return undefined;
}

/** One line of a clean dump of `kind`, validated by the clean schemas, or why it is not one. */
export function parseCleanLine(text: string, kind: CleanDumpKind): CleanLine {
  const value = parseJson(text);
  if (value === undefined) return { ok: false, message: "not JSON" };
  if (kind === "envelope") {
    const parsed = CleanEnvelope.safeParse(value);
    if (!parsed.success) return { ok: false, message: issueText(parsed.error) };
    return parsed.data.feed === "revenue"
      ? { ok: true, feed: "revenue", record: parsed.data.value }
      : { ok: true, feed: "customs", record: parsed.data.value };
  }
  if (kind === "revenue") {
    const parsed = RevenueClean.safeParse(value);
    return parsed.success ? { ok: true, feed: "revenue", record: parsed.data } : { ok: false, message: issueText(parsed.error) };
  }
  const parsed = CustomsClean.safeParse(value);
  return parsed.success ? { ok: true, feed: "customs", record: parsed.data } : { ok: false, message: issueText(parsed.error) };
}

const issueText = (error: z.ZodError) => {
  const issue = error.issues[0];
  return issue ? `${issue.path.join(".") || "value"}: ${issue.message}` : "invalid";
};

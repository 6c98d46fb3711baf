/**
 * Whether to write ANSI sequences (colours, line rewriting) to a stream: only to a terminal, and
 * never when NO_COLOR is set to anything non-empty (https://no-color.org) or TERM is dumb.
 */
export function ansiEnabled(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  return stream.isTTY === true && !env.NO_COLOR && env.TERM !== "dumb";
}

/** Red (bold) when `enabled`, the text unchanged otherwise. */
export function warningPaint(enabled: boolean): (text: string) => string {
  return enabled ? (text) => `\u001b[1;31m${text}\u001b[0m` : (text) => text;
}

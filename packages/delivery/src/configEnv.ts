import { type OutboundPolicy, parseOutboundPolicy, SecretBox, SecretKeyError } from "@entrepot/webhooks";
import { z } from "zod";

// Config fields shared by the services and the CLI that manage or deliver subscriptions.

/** A config string turned into a value by `parser`; what it throws becomes the variable's issue. */
function parsedWith<T>(parser: (text: string) => T, expected: (err: unknown) => boolean = () => true, missing?: string) {
  return z.string(missing === undefined ? undefined : { error: missing }).transform((text, ctx) => {
    try {
      return parser(text);
    } catch (err) {
      if (!expected(err)) throw err;
      // loadConfig names the variable already
      ctx.addIssue({ code: "custom", message: (err as Error).message.replace(/^ENTREPOT_SECRET_KEY: /, "") });
      return z.NEVER;
    }
  });
}

/**
 * ENTREPOT_SECRET_KEY: comma-separated keys (the first encrypts, all decrypt), each base64 of
 * >= 32 random bytes; parsed into the SecretBox, or an issue naming the problem and how to
 * generate a key.
 */
export const SecretKeyEnv = parsedWith(
  (text) => new SecretBox(text),
  (err) => err instanceof SecretKeyError,
  "a key is required: base64 of >= 32 random bytes, generate one with: openssl rand -base64 32",
);

/** ENTREPOT_WEBHOOK_ALLOW: hosts and CIDRs (optionally `:port`) that may be called although non-public; empty by default. */
export const OutboundPolicyEnv = parsedWith<OutboundPolicy>(parseOutboundPolicy).default(parseOutboundPolicy(""));

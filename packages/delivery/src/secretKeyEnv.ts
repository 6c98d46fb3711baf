import { SecretBox, SecretKeyError } from "@entrepot/webhooks";
import { z } from "zod";

/**
 * ENTREPOT_SECRET_KEY as a config field: comma-separated keys (the first encrypts, all decrypt),
 * each base64 of >= 32 random bytes; parsed into the SecretBox, or an issue naming the problem
 * and how to generate a key.
 */
export const SecretKeyEnv = z.string().transform((text, ctx) => {
  try {
    return new SecretBox(text);
  } catch (err) {
    if (!(err instanceof SecretKeyError)) throw err;
    ctx.addIssue({ code: "custom", message: err.message });
    return z.NEVER;
  }
});

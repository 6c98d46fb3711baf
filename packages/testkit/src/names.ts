import { randomBytes } from "node:crypto";

/** A topic/key prefix unique to one test, so runs and tests never collide. */
export function uniquePrefix(label = "t"): string {
  return `${label.replace(/[^a-zA-Z0-9]/g, "")}-${Date.now().toString(36)}-${randomBytes(3).toString("hex")}.`;
}

import type { ReasonCode } from "@entrepot/schemas";

/** Why a record could not be normalized: a reason code, the field, and a sentence. */
export interface Problem {
  reason: ReasonCode;
  field?: string;
  message: string;
}

export type Normalized<T> = { ok: true; record: T } | { ok: false; problem: Problem };

export const fail = (reason: ReasonCode, message: string, field?: string): { ok: false; problem: Problem } => ({
  ok: false,
  problem: field === undefined ? { reason, message } : { reason, message, field },
});

/** Multipliers of the scales filings print amounts in. */
export const SCALES = { units: 1, thousands: 1e3, millions: 1e6, billions: 1e9 } as const;
export type Scale = keyof typeof SCALES;

/** Rates to USD by ISO 4217 code, as configured (USD is always 1). */
export type FxTable = Readonly<Record<string, number>>;

/**
 * Converts `amount` in `currency` at `scale` to USD. Null when the currency is not an ISO 4217
 * code or has no rate in the table (the caller rejects with `bad_currency`).
 */
export function toUsd(amount: number, currency: string, scale: Scale, fx: FxTable = {}): number | null {
  const code = currency.trim().toUpperCase();
  if (!/^[A-Z]{3}$/.test(code)) return null;
  const rate = code === "USD" ? 1 : fx[code];
  if (rate === undefined || !Number.isFinite(rate) || rate <= 0) return null;
  return amount * SCALES[scale] * rate;
}

/** 0.22 -> "22.0%" */
export const pct = (share: number): string => `${(share * 100).toFixed(1)}%`;
/** 0.069 -> "+6.9 pp" */
export const pp = (delta: number): string => `${delta * 100 > -0.05 ? "+" : "-"}${Math.abs(delta * 100).toFixed(1)} pp`;
/** ratio of two amounts as "x2.4" (or "new" when the base is zero) */
export const times = (now: number, before: number): string => (before > 0 ? `x${(now / before).toFixed(1)}` : "new");
/** rounds to `digits` decimals (for scores stored in alerts) */
export const round = (x: number, digits: number): number => Math.round(x * 10 ** digits) / 10 ** digits;
/** "Singapore" -> "Singapore's", "Other countries" -> "Other countries'" */
export const possessive = (name: string): string => (name.endsWith("s") ? `${name}'` : `${name}'s`);
/** 42_800_000_000 -> "$42.8bn", 530_000_000 -> "$530.0m", 12_000 -> "$12,000" */
export const money = (usd: number): string => {
  const a = Math.abs(usd);
  const sign = usd < 0 ? "-" : "";
  if (a >= 1e9) return `${sign}$${(a / 1e9).toFixed(1)}bn`;
  if (a >= 1e6) return `${sign}$${(a / 1e6).toFixed(1)}m`;
  return `${sign}$${Math.round(a).toLocaleString("en-US")}`;
};

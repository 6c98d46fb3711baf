/** 0.22 -> "22.0%" */
export const pct = (share: number): string => `${(share * 100).toFixed(1)}%`;
/** 0.069 -> "+6.9 pp" */
export const pp = (delta: number): string => `${delta >= 0 ? "+" : "-"}${Math.abs(delta * 100).toFixed(1)} pp`;
/** ratio of two amounts as "x2.4" (or "new" when the base is zero) */
export const times = (now: number, before: number): string => (before > 0 ? `x${(now / before).toFixed(1)}` : "new");
/** rounds to `digits` decimals (for scores stored in alerts) */
export const round = (x: number, digits: number): number => Math.round(x * 10 ** digits) / 10 ** digits;
/** "Singapore" -> "Singapore's", "Other countries" -> "Other countries'" */
export const possessive = (name: string): string => (name.endsWith("s") ? `${name}'` : `${name}'s`);

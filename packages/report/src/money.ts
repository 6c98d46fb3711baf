/** 7_718_000_000 -> "$7.72bn", 296_800_000 -> "$296.8m", 12_345 -> "$12,345". */
export function formatUsd(value: number): string {
  const abs = Math.abs(value);
  const sign = value < 0 ? "-" : "";
  if (abs >= 1e9) return `${sign}$${(abs / 1e9).toFixed(2)}bn`;
  if (abs >= 1e6) return `${sign}$${(abs / 1e6).toFixed(1)}m`;
  return `${sign}$${Math.round(abs).toLocaleString("en-US")}`;
}

export { parseAmount, parseScale, SCALES, type Scale } from "./numbers";
export { fail, type Normalized, type Problem } from "./result";
export { normalizeRevenue, type RevenueOptions } from "./revenue";

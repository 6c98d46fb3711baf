import { normalizeLabel } from "./labels";

/** What revenue by region is allocated by (the values of the clean schema's `RevenueBasis`). */
export type RevenueBasisId = "billing" | "shipping" | "customer" | "headquarters" | "end_customer";

const BASIS_LABELS: [RevenueBasisId, string[]][] = [
  [
    "billing",
    ["billing", "billing location", "customer billing location", "bill to", "bill-to", "billed to", "invoice", "invoicing location"],
  ],
  ["shipping", ["shipping", "shipping location", "ship to", "ship-to", "shipped to", "destination", "delivery location"]],
  ["customer", ["customer", "customer location", "location of customer", "customer country"]],
  [
    "headquarters",
    [
      "headquarters",
      "hq",
      "customer headquarters",
      "customers headquarters",
      "customer headquarters location",
      "location of customers headquarters",
      "domicile",
    ],
  ],
  ["end_customer", ["end customer", "end-customer", "end customer location", "end market", "end user"]],
];
const BY_LABEL = new Map<string, RevenueBasisId>();
for (const [id, labels] of BASIS_LABELS) for (const l of labels) BY_LABEL.set(normalizeLabel(l), id);

/** Words that say which basis a longer phrase means ("based upon the location of the customers' headquarters"). */
const KEYWORDS: [RegExp, RevenueBasisId][] = [
  [/\bheadquarter|\bhq\b/, "headquarters"],
  [/\bend (customer|user)/, "end_customer"],
  [/\bbill/, "billing"],
  [/\bship/, "shipping"],
];

/**
 * A `basis` column's text (`billing`, `Ship-to`, `customer headquarters`, `end customer`, or the
 * filing's own sentence) -> basis id; null when unknown or when the words name more than one basis.
 */
export function parseRevenueBasis(text: string): RevenueBasisId | null {
  const label = normalizeLabel(text);
  const exact = BY_LABEL.get(label);
  if (exact) return exact;
  const found = new Set(KEYWORDS.filter(([re]) => re.test(label)).map(([, id]) => id));
  return found.size === 1 ? ([...found][0] ?? null) : null;
}

const WORDING: Record<RevenueBasisId, string> = {
  billing: "revenue by customer billing location",
  shipping: "revenue by ship-to location",
  customer: "revenue by customer location",
  headquarters: "revenue by customer headquarters location",
  end_customer: "revenue by end customer location",
};

/** How an alert names a basis: `headquarters` -> "revenue by customer headquarters location". */
export function basisWording(basis: RevenueBasisId): string {
  return WORDING[basis];
}

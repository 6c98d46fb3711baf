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

/** A `basis` column's text (`billing`, `Ship-to`, `customer headquarters`, `end customer`, ...) -> basis id; null when unknown. */
export function parseRevenueBasis(text: string): RevenueBasisId | null {
  return BY_LABEL.get(normalizeLabel(text)) ?? null;
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

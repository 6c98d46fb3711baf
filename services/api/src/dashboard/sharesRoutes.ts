import { SharesStore } from "@entrepot/delivery";
import { basisOf, sharesCsv } from "@entrepot/report";
import { TradeFlow } from "@entrepot/schemas";
import type { FastifyInstance } from "fastify";
import type { Redis } from "ioredis";
import { z } from "zod";

/** A fiscal quarter (`FY2025-Q3`) or a month or year (`2024-05`, `2024`): what compositions are keyed by. */
const Period = z.string().regex(/^(FY\d{4}-Q[1-4]|\d{4}(-(0[1-9]|1[0-2]))?)$/, "expected FYyyyy-Qn, yyyy-mm or yyyy");

/** GET /v1/shares query */
export const SharesQuery = z
  .object({
    company: z.string().min(1).optional(),
    /** customs: the reporting country, its flow and goods */
    reporter: z.string().min(2).optional(),
    flow: TradeFlow.optional(),
    hs: z.string().min(1).optional(),
    /** billing, shipping, customer (revenue); compositions without a stated basis are billing shares */
    basis: z.string().min(1).optional(),
    from: Period.optional(),
    to: Period.optional(),
    format: z.enum(["json", "csv"]).optional(),
  })
  .strict();
export type SharesQuery = z.infer<typeof SharesQuery>;

/** The entity filter of a shares query: only the keys given. */
export function entityMatch(q: Pick<SharesQuery, "company" | "reporter" | "flow" | "hs">): Record<string, string> {
  const given = { company: q.company, reporter: q.reporter, flow: q.flow, hs: q.hs };
  return Object.fromEntries(Object.entries(given).filter((e): e is [string, string] => e[1] !== undefined));
}

const wantsCsv = (q: SharesQuery, accept: string | undefined) =>
  q.format === "csv" || (q.format === undefined && (accept ?? "").split(",").some((t) => t.trim().startsWith("text/csv")));

/**
 * `GET /v1/shares?company=&basis=&from=&to=` (and `reporter=&flow=&hs=` for customs): the shares
 * read model as JSON (`{shares: [...compositions, each with its basis]}`) or as CSV (`Accept:
 * text/csv` or `format=csv`); `GET /v1/shares/entities`: what there is to ask for.
 */
export function sharesRoutes(app: FastifyInstance, redis: Redis, topicPrefix: string): SharesStore {
  const store = new SharesStore(redis, topicPrefix);
  app.get("/v1/shares", async (req, reply) => {
    const q = SharesQuery.parse(req.query ?? {});
    const found = await store.find(entityMatch(q), { from: q.from, to: q.to });
    const shares = found.filter((c) => q.basis === undefined || basisOf(c) === q.basis);
    if (wantsCsv(q, req.headers.accept)) {
      return reply
        .header("content-type", "text/csv; charset=utf-8")
        .header("content-disposition", 'attachment; filename="shares.csv"')
        .send(sharesCsv(shares));
    }
    return { shares: shares.map((c) => ({ ...c, basis: basisOf(c) })), count: shares.length };
  });
  app.get("/v1/shares/entities", async () => ({ entities: await store.entities() }));
  return store;
}

import { entityKey } from "@entrepot/detect";
import { pipelineReplies } from "@entrepot/runtime";
import { Composition } from "@entrepot/schemas";
import type { Redis } from "ioredis";
import { z } from "zod";

/** A stored composition: as published, fields a newer detector adds (a `basis`) kept. */
const StoredComposition = Composition.loose();

const EntityIndexEntry = z.object({ entity: z.record(z.string(), z.string()), updatedAt: z.string() });

export interface ShareEntity {
  /** stable text form, e.g. `company=NVDA` or `flow=import,hs=...,reporter=SG` */
  key: string;
  entity: Record<string, string>;
  /** bases the compositions state (`-` for none) */
  bases: string[];
  periods: number;
  first: string;
  last: string;
  /** when the detector last wrote any composition of this entity */
  updatedAt: string;
}

export interface SharesRange {
  /** first period kept (inclusive; `FY2024-Q1`, `2024-05`) */
  from?: string | undefined;
  /** last period kept (inclusive) */
  to?: string | undefined;
}

const statedBasis = (c: Composition) => {
  const b = (c as { basis?: unknown }).basis;
  return typeof b === "string" && b.length > 0 ? b : "-";
};

/**
 * The shares read model (for the API's `/v1/shares` and the dashboard): the latest composition
 * of each entity, basis and period as the detector published it on shares.v1, one Redis hash per
 * entity (field `basis|period`) and an index of entities. Written by the detector next to its
 * publication; a re-published period replaces the earlier one.
 */
export class SharesStore {
  private readonly p: string;

  constructor(
    private readonly redis: Redis,
    topicPrefix: string,
  ) {
    this.p = `${topicPrefix}entrepot:shares:`;
  }

  private entityHash(key: string): string {
    return `${this.p}entity:${key}`;
  }

  /**
   * Of these compositions, those that differ from the one stored for their entity, basis and
   * period (or have none stored): what a publisher has not yet published. One pipeline of HGETs.
   */
  async changed(compositions: readonly Composition[]): Promise<Composition[]> {
    if (compositions.length === 0) return [];
    const read = this.redis.pipeline();
    for (const c of compositions) read.hget(this.entityHash(entityKey(c.entity)), this.field(c));
    const stored = await pipelineReplies(read);
    return compositions.filter((c, i) => stored[i] !== JSON.stringify(c));
  }

  private field(c: Composition): string {
    return `${statedBasis(c)}|${c.period}`;
  }

  /** Stores compositions (any entities); returns how many. */
  async put(compositions: readonly Composition[], now = new Date()): Promise<number> {
    if (compositions.length === 0) return 0;
    const tx = this.redis.multi();
    const touched = new Map<string, Record<string, string>>();
    for (const c of compositions) {
      const key = entityKey(c.entity);
      tx.hset(this.entityHash(key), this.field(c), JSON.stringify(c));
      touched.set(key, c.entity);
    }
    for (const [key, entity] of touched) tx.hset(`${this.p}index`, key, JSON.stringify({ entity, updatedAt: now.toISOString() }));
    await tx.exec();
    return compositions.length;
  }

  /** Every entity with compositions, sorted by key. */
  async entities(): Promise<ShareEntity[]> {
    const index = await this.redis.hgetall(`${this.p}index`);
    const keys = Object.keys(index).sort();
    const fields = await Promise.all(keys.map((k) => this.redis.hkeys(this.entityHash(k))));
    return keys.map((key, i) => {
      const { entity, updatedAt } = EntityIndexEntry.parse(JSON.parse(index[key] ?? "null"));
      const cells = (fields[i] ?? []).map((f) => f.split("|") as [string, string]);
      const periods = [...new Set(cells.map(([, p]) => p))].sort();
      return {
        key,
        entity,
        bases: [...new Set(cells.map(([b]) => b))].sort(),
        periods: periods.length,
        first: periods[0] ?? "",
        last: periods.at(-1) ?? "",
        updatedAt,
      };
    });
  }

  /**
   * Compositions of the entities whose every `match` key has the given value (e.g. `{company:
   * "NVDA"}`, `{reporter: "SG", flow: "import"}`; `{}` = all), within the period range, sorted by
   * entity, period and basis.
   */
  async find(match: Record<string, string>, range: SharesRange = {}): Promise<Composition[]> {
    const index = await this.redis.hgetall(`${this.p}index`);
    const keys = Object.keys(index)
      .filter((key) => {
        const { entity } = EntityIndexEntry.parse(JSON.parse(index[key] ?? "null"));
        return Object.entries(match).every(([k, v]) => entity[k] === v);
      })
      .sort();
    const values = await Promise.all(keys.map((k) => this.redis.hvals(this.entityHash(k))));
    return values
      .flatMap((list) => list.map((text) => StoredComposition.parse(JSON.parse(text))))
      .filter((c) => (range.from === undefined || c.period >= range.from) && (range.to === undefined || c.period <= range.to))
      .sort(
        (a, b) =>
          entityKey(a.entity).localeCompare(entityKey(b.entity)) ||
          a.period.localeCompare(b.period) ||
          statedBasis(a).localeCompare(statedBasis(b)),
      );
  }
}

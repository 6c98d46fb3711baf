/** What a generator injected, one label per anomaly (or per quiet entity). */

/** Anomalies a detector should report. */
export const ANOMALY_TYPES = ["spike", "level_shift", "gradual_climb", "drop", "surge"] as const;
/** Entities a detector should leave alone: their data moves, but not in a way that is news. */
export const QUIET_TYPES = ["noise", "seasonality", "restatement", "missing_quarters"] as const;

export type AnomalyType = (typeof ANOMALY_TYPES)[number] | (typeof QUIET_TYPES)[number];

export interface AnomalyLabel {
  feed: "revenue" | "customs";
  /** `{company}` for revenue, `{reporter}` for customs (an alert matches when its entity has these values) */
  entity: Record<string, string>;
  /** canonical region id as the normalizer resolves it (`SG`, `GROUP:OTHER`); `*` = the whole entity */
  region: string;
  /** the region as written in the feed */
  regionName: string;
  type: AnomalyType;
  /** first affected period (`FY2024-Q1`, or `2024-03` for customs) */
  start: string;
  /** last period of the injected movement: = start for a spike or a step, the end of the ramp for a climb, the last period for quiet entities */
  end: string;
  /**
   * size in percentage points of the region's share, signed (+ up, - down): the step, the
   * spike, the climb's total, a restatement's original error, the seasonal amplitude; 0 for
   * noise and missing quarters
   */
  magnitudePp: number;
  /** missing quarters: the periods left out */
  periods?: string[];
}

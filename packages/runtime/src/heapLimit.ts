/**
 * The V8 old-generation limit (MB) a service process starts with, where one is set. Under load V8
 * lets garbage pile up to far more than a stage's live set before it collects (a normalizer working
 * through a backlog held 400-450 MB of RSS with about 60 MB live); a limit makes it collect sooner,
 * for some CPU (docs/benchmarks.md, "Memory"). Only stages whose live set is small and bounded
 * by their batches get one: above the limit a process dies of heap exhaustion, so a stage that
 * holds state in memory (the detector's series, the API's streams) runs with V8's default.
 * Given by `spawnService` and the image's ENTRYPOINT per service in docker-compose.yml (a test
 * checks they agree).
 */
export const SERVICE_HEAP_MB = {
  ingestor: 192,
  normalizer: 192,
  notifier: 192,
} as const satisfies Record<string, number>;

/** node's flags for a service: the heap limit where it has one */
export function serviceNodeFlags(service: string): string[] {
  const mb = (SERVICE_HEAP_MB as Record<string, number | undefined>)[service];
  return mb === undefined ? [] : [`--max-old-space-size=${mb}`];
}

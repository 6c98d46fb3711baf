import { createRequire } from "node:module";
import type { LibrdKafkaError } from "@confluentinc/kafka-javascript";

/** @confluentinc/kafka-javascript's module (librdkafka bindings, a native addon built at install) */
export type ConfluentModule = typeof import("@confluentinc/kafka-javascript");

const PACKAGE = "@confluentinc/kafka-javascript";
let loaded: ConfluentModule | undefined;

/**
 * The package, loaded on first use only: it is an optional dependency whose native build may have
 * failed or been skipped on this machine, and only `ENTREPOT_KAFKA_CLIENT=confluent` needs it.
 */
export function loadConfluent(): ConfluentModule {
  if (loaded) return loaded;
  try {
    loaded = createRequire(import.meta.url)(PACKAGE) as ConfluentModule;
  } catch (err) {
    throw new Error(
      `ENTREPOT_KAFKA_CLIENT=confluent needs ${PACKAGE}, an optional dependency that is not installed or whose native build failed ` +
        `(infra/scripts/setup.sh builds it; or choose ENTREPOT_KAFKA_CLIENT=kafkajs or platformatic): ${(err as Error).message}`,
      { cause: err },
    );
  }
  return loaded;
}

/** whether the confluent client can be loaded here (the integration tests run on it only then) */
export function confluentInstalled(): boolean {
  try {
    loadConfluent();
    return true;
  } catch {
    return false;
  }
}

/** a librdkafka error as an Error (it is one at run time; its typings say only an interface) */
export function asError(err: LibrdKafkaError | Error): Error {
  return err instanceof Error ? err : new Error(`librdkafka: ${err.message} (code ${err.code})`);
}

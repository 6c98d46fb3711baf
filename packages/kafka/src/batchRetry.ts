import type { ConsumerHooks, ConsumerRunnerOptions, IncomingMessage } from "./consumer";

/**
 * messages taken at once, at most, into one batch by the runners that read a client's buffer of
 * fetched messages (platformatic: also the stream's buffer; confluent: one `consume`)
 */
export const MAX_TAKE = 2000;
/** a failed batch is retried this many times, with exponential backoff from RETRY_INITIAL_MS, before the runner crashes */
const RETRIES = 8;
const RETRY_INITIAL_MS = 200;

/** waits `ms`, or less when `stop` aborts first */
export const delay = (ms: number, stop: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    stop.addEventListener(
      "abort",
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });

/**
 * The batch handler of a runner that retries by itself (the clients other than kafkajs): a batch
 * whose handler throws is handed to it again after a backoff, RETRIES times, then the error is
 * thrown (the runner crashes); once `stop` aborts, the first failure is thrown at once.
 */
export function retryingHandler(
  hooks: ConsumerHooks,
  options: Pick<ConsumerRunnerOptions, "logger" | "groupId">,
  stop: AbortSignal,
): (messages: IncomingMessage[]) => Promise<void> {
  return async (messages) => {
    for (let attempt = 0; ; attempt++) {
      try {
        await hooks.handle(messages);
        return;
      } catch (err) {
        if (attempt >= RETRIES || stop.aborted) throw err;
        const wait = RETRY_INITIAL_MS * 2 ** attempt * (0.8 + Math.random() * 0.4);
        options.logger.warn({ err, attempt, groupId: options.groupId }, "batch failed, retrying");
        await delay(wait, stop);
      }
    }
  };
}

import type { Logger } from "./logger";

export interface Closeable {
  name: string;
  close(): Promise<void>;
}

/**
 * One registry per process: components register their close(), SIGTERM/SIGINT run every
 * handler (latest registered first), even when one fails, each within a deadline.
 */
export class ShutdownRegistry {
  private readonly items: Closeable[] = [];
  private closing: Promise<boolean> | undefined;
  private installed = false;

  constructor(
    private readonly logger: Logger,
    private readonly deadlineMs = 15_000,
  ) {}

  register(item: Closeable): void {
    this.items.push(item);
  }

  /** Closes everything once; later calls return the same promise. true when all closed cleanly. */
  close(): Promise<boolean> {
    this.closing ??= this.runAll();
    return this.closing;
  }

  private async runAll(): Promise<boolean> {
    let clean = true;
    for (const item of [...this.items].reverse()) {
      const started = Date.now();
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          item.close(),
          new Promise((_, reject) => {
            timer = setTimeout(() => reject(new Error(`close timed out after ${this.deadlineMs} ms`)), this.deadlineMs);
          }),
        ]);
        this.logger.info({ component: item.name, ms: Date.now() - started }, "closed");
      } catch (err) {
        clean = false;
        this.logger.error({ component: item.name, err }, "close failed");
      } finally {
        clearTimeout(timer);
      }
    }
    return clean;
  }

  /**
   * Installs SIGTERM/SIGINT handlers that close everything, then exit 0 when every component
   * closed cleanly (a requested stop is not a failure) and 1 when one did not.
   */
  installSignalHandlers(): void {
    if (this.installed) return;
    this.installed = true;
    const onSignal = (signal: NodeJS.Signals) => {
      this.logger.info({ signal }, "shutting down");
      this.close().then(
        (clean) => process.exit(clean ? 0 : 1),
        () => process.exit(1),
      );
    };
    process.once("SIGTERM", () => onSignal("SIGTERM"));
    process.once("SIGINT", () => onSignal("SIGINT"));
  }
}

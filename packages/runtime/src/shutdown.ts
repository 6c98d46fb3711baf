import type { Logger } from "./logger";

export interface Closeable {
  name: string;
  close(): Promise<void>;
}

/**
 * One registry per process: components register their close(), SIGTERM/SIGINT run every
 * handler (latest registered first), even when one fails, within a deadline, then exit 128+signal.
 */
export class ShutdownRegistry {
  private readonly items: Closeable[] = [];
  private closing: Promise<void> | undefined;
  private installed = false;

  constructor(
    private readonly logger: Logger,
    private readonly deadlineMs = 15_000,
  ) {}

  register(item: Closeable): void {
    this.items.push(item);
  }

  /** Closes everything once; later calls return the same promise. */
  close(): Promise<void> {
    this.closing ??= this.runAll();
    return this.closing;
  }

  private async runAll(): Promise<void> {
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
        this.logger.error({ component: item.name, err }, "close failed");
      } finally {
        clearTimeout(timer);
      }
    }
  }

  /** Installs SIGTERM/SIGINT handlers that close everything and exit 128+signal. */
  installSignalHandlers(): void {
    if (this.installed) return;
    this.installed = true;
    const onSignal = (signal: NodeJS.Signals, code: number) => {
      this.logger.info({ signal }, "shutting down");
      this.close().then(
        () => process.exit(128 + code),
        () => process.exit(1),
      );
    };
    process.once("SIGTERM", () => onSignal("SIGTERM", 15));
    process.once("SIGINT", () => onSignal("SIGINT", 2));
  }
}

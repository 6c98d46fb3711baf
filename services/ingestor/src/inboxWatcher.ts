import { mkdir, readdir, rename } from "node:fs/promises";
import { join } from "node:path";
import type { JsonProducer } from "@entrepot/kafka";
import type { Logger } from "@entrepot/runtime";
import type { Feed } from "@entrepot/schemas";
import { ingestFile } from "./ingestFile";

export interface InboxOptions {
  /** files dropped in `<dir>/revenue/` or `<dir>/customs/` are ingested, then moved to `<dir>/done/` */
  dir: string;
  producer: JsonProducer;
  topicPrefix: string;
  logger: Logger;
  pollMs?: number;
}

/** The ingestor as a long-running service: polls an inbox folder for feed files. */
export async function startInboxWatcher(options: InboxOptions): Promise<{ ready(): boolean; close(): Promise<void> }> {
  const feeds: Feed[] = ["revenue", "customs"];
  for (const sub of [...feeds, "done"]) await mkdir(join(options.dir, sub), { recursive: true });
  let stopped = false;
  let current: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  const scan = async () => {
    for (const feed of feeds) {
      const folder = join(options.dir, feed);
      for (const name of (await readdir(folder)).sort()) {
        if (stopped) return;
        if (name.startsWith(".")) continue;
        const report = await ingestFile({ producer: options.producer, topicPrefix: options.topicPrefix, file: join(folder, name), feed });
        options.logger.info(report, "ingested file");
        await rename(join(folder, name), join(options.dir, "done", `${Date.now()}-${name}`));
      }
    }
  };
  const loop = () => {
    current = scan()
      .catch((err: unknown) => options.logger.error({ err }, "inbox scan failed"))
      .finally(() => {
        if (!stopped) timer = setTimeout(loop, options.pollMs ?? 2000);
      });
  };
  loop();
  return {
    ready: () => !stopped,
    close: async () => {
      stopped = true;
      clearTimeout(timer);
      await current;
    },
  };
}

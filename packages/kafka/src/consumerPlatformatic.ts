import { Consumer, type Message, type MessagesStream, stringDeserializers } from "@platformatic/kafka";
import { type ConsumerHooks, type ConsumerRunnerOptions, type IncomingMessage, SESSION_TIMEOUT_MS } from "./consumer";
import { MAX_TAKE, retryingHandler } from "./batchRetry";
import { type ConsumerBackend, FETCH_MAX_BYTES, FETCH_MAX_BYTES_PER_PARTITION } from "./consumerKafkajs";

type StringMessage = Message<string, string, string, string>;

/** while behind, the lag gauges are refreshed at most this often */
const LAG_INTERVAL_MS = 1000;

function incoming(m: StringMessage): IncomingMessage {
  return {
    topic: m.topic,
    partition: m.partition,
    offset: String(m.offset),
    key: m.key ?? null,
    value: m.value ?? null,
    headers: Object.fromEntries(m.headers),
    timestamp: String(m.timestamp),
  };
}

/** what the stream holds now, up to `max` messages, without waiting */
function take(stream: MessagesStream<string, string, string, string>, max: number): StringMessage[] {
  const out: StringMessage[] = [];
  while (out.length < max) {
    const m = stream.read() as StringMessage | null;
    if (m === null) break;
    out.push(m);
  }
  return out;
}

/**
 * Wakes the batch loop when the stream has something to read or closes. Its `readable` listener
 * stays for the stream's life: @platformatic/kafka fetches only while the stream has a reader
 * (a stream with no `readable` or `data` listener is not flowing and stops fetching for good).
 */
function wakeOn(stream: MessagesStream<string, string, string, string>): { next(): Promise<void>; wake(): void } {
  let waiting: (() => void) | undefined;
  const wake = () => {
    const w = waiting;
    waiting = undefined;
    w?.();
  };
  stream.on("readable", wake);
  stream.on("close", wake);
  return {
    next: () =>
      new Promise<void>((resolve) => {
        waiting = resolve;
      }),
    wake,
  };
}

/**
 * ConsumerRunner on @platformatic/kafka: a message stream without autocommit; what it holds is
 * taken at once (up to MAX_TAKE messages of any partitions) and handled as one batch, each
 * partition's last offset committed after the handler returned; a failing handler is retried
 * with backoff, then the runner crashes.
 */
export function platformaticConsumer(options: ConsumerRunnerOptions, hooks: ConsumerHooks): ConsumerBackend {
  const { kafka } = options;
  const consumer = new Consumer<string, string, string, string>({
    ...kafka.platformaticOptions(),
    groupId: options.groupId,
    sessionTimeout: SESSION_TIMEOUT_MS,
    rebalanceTimeout: 30_000,
    heartbeatInterval: 3_000,
    autocommit: false,
    deserializers: stringDeserializers,
  });
  let stream: MessagesStream<string, string, string, string> | undefined;
  let signal: ReturnType<typeof wakeOn> | undefined;
  let stopping = false;
  let lagReadAt = 0;
  const stopped = new AbortController();
  let loop: Promise<void> | undefined;
  consumer.on("consumer:group:join", () => {
    hooks.move("consuming");
    const assignment: Record<string, number[]> = {};
    for (const a of consumer.assignments ?? []) assignment[a.topic] = [...a.partitions];
    hooks.assigned(assignment);
  });
  consumer.on("consumer:group:rebalance", () => hooks.move("rebalancing"));
  consumer.on("consumer:heartbeat:end", () => hooks.contact());

  const handleWithRetries = retryingHandler(hooks, options, stopped.signal);

  const run = async (source: MessagesStream<string, string, string, string>, wake: ReturnType<typeof wakeOn>) => {
    while (!stopping) {
      const taken = take(source, MAX_TAKE);
      if (taken.length === 0) {
        if (source.destroyed || source.readableEnded) return;
        await wake.next();
        continue;
      }
      hooks.contact();
      const started = process.hrtime.bigint();
      // the whole take is one batch (one output request, one revision round trip): each partition's messages stay in order
      await handleWithRetries(taken.map(incoming));
      const last = new Map<string, StringMessage>();
      for (const m of taken) last.set(`${m.topic}\u0000${m.partition}`, m);
      await Promise.all([...last.values()].map((m) => m.commit()));
      // lag is read (a ListOffsets request) once caught up with the stream, else at most once a second
      if (options.metrics && (taken.length < MAX_TAKE || Date.now() - lagReadAt >= LAG_INTERVAL_MS)) {
        lagReadAt = Date.now();
        const lag = await consumer.getLag({ topics: [...new Set(taken.map((m) => m.topic))] });
        for (const [topic, partitions] of lag) {
          partitions.forEach((l, partition) => {
            // -1n: a partition not assigned to this member
            if (l >= 0n) hooks.lag(topic, partition, Number(l));
          });
        }
      }
      hooks.batchDone(Number(process.hrtime.bigint() - started) / 1e9);
    }
  };

  return {
    start: async () => {
      const source = await consumer.consume({
        topics: [...options.topics],
        mode: "committed",
        fallbackMode: options.fromBeginning === false ? "latest" : "earliest",
        autocommit: false,
        highWaterMark: MAX_TAKE,
        // one fetch is decoded into messages at once: the client's 50 MB default held ~1 GB of objects
        maxBytes: FETCH_MAX_BYTES,
        maxBytesPerPartition: FETCH_MAX_BYTES_PER_PARTITION,
        sessionTimeout: SESSION_TIMEOUT_MS,
        rebalanceTimeout: 30_000,
        heartbeatInterval: 3_000,
      });
      stream = source;
      signal = wakeOn(source);
      source.on("error", (err: Error) => hooks.crashed(err, false));
      loop = run(source, signal).catch((err: unknown) => {
        hooks.crashed(err instanceof Error ? err : new Error(String(err)), false);
      });
    },
    close: async () => {
      stopping = true;
      stopped.abort();
      signal?.wake();
      await loop;
      hooks.move("stopped");
      await stream?.close();
      await consumer.close(true);
    },
  };
}

/**
 * The exit codes of `entrepot`, one definition (documented in services/cli/README.md and
 * docs/operations.md). `cliErrors.ts` maps errors to them.
 */
export const EXIT = {
  ok: 0,
  /** the command ran and reports a failure (an unbalanced reconciliation, an unknown id), or an unexpected error */
  failure: 1,
  /** usage error or invalid configuration: nothing was connected to or written */
  usage: 2,
  /** Kafka or Redis unreachable */
  infrastructure: 3,
  /** the input yielded no usable row (empty, binary, wrong feed, every row rejected) */
  noUsableRow: 4,
  /** a consumer group must be stopped first (entrepot replay) */
  groupActive: 5,
} as const;

/**
 * An operational failure (not a bug): printed as its message on one line, the stack only with
 * --verbose, and the process exits with `exitCode`.
 */
export class OperationalError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Kafka or Redis did not answer: one line naming the address and the fix, exit 3. */
export class InfrastructureError extends OperationalError {
  override name = "InfrastructureError";
  constructor(
    readonly service: "Kafka" | "Redis",
    readonly address: string,
    readonly detail: string,
    options?: { cause?: unknown },
  ) {
    const variable = service === "Kafka" ? "KAFKA_BROKERS" : "REDIS_URL";
    super(
      `${service} is not reachable at ${address} (${detail}): start it with \`pnpm infra:up\` or set ${variable}`,
      EXIT.infrastructure,
      options,
    );
  }
}

/** The input gave nothing to publish or write: exit 4 with what was found instead. */
export class NoUsableRowError extends OperationalError {
  override name = "NoUsableRowError";
  constructor(message: string) {
    super(message, EXIT.noUsableRow);
  }
}

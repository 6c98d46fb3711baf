import type { Command } from "commander";
import { action } from "../cliErrors";
import { infraCommand } from "../infraScripts";
import { examples } from "../usage";

const ACTIONS = {
  up: "start local Kafka (KRaft) on 127.0.0.1:9092 and Redis on 6379 unless they answer",
  down: "stop the Kafka and Redis that `infra up` started",
  status: "whether Kafka and Redis answer (exit 1 when not)",
} as const;

/** `entrepot infra up|down|status`: infra/scripts/infra.sh */
export function registerInfra(program: Command, repoRoot: string): void {
  const infra = examples(
    program.command("infra").description("local Kafka (KRaft) and Redis from infra/scripts"),
    "infra up",
    "infra status",
  );
  for (const name of ["up", "down", "status"] as const) {
    examples(infra.command(name).description(ACTIONS[name]), `infra ${name}`).action(action(() => infraCommand(repoRoot, name)));
  }
}

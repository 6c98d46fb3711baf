import type { Command } from "commander";
import { cliRuntime } from "../cliEnv";
import { action } from "../cliErrors";
import { requireInfra } from "../connections";
import { detectorRebuildCommand } from "../detectorRebuild";
import { examples } from "../usage";
import { rulesOption } from "./fileOptions";

/** `entrepot detector rebuild [--rules r.yaml]`: runs the detector's own entry point in its rebuild mode */
export function registerDetector(program: Command, repoRoot: string): void {
  const detector = examples(
    program.command("detector").description("the detector's state in Redis"),
    "detector rebuild --rules services/cli/samples/demo-rules.yaml",
  );
  examples(
    detector
      .command("rebuild")
      .description("rebuild detector state from the compacted topics (replay: notifies nobody)")
      .addOption(rulesOption()),
    "detector rebuild",
    "detector rebuild --rules services/cli/samples/demo-rules.yaml",
  ).action(
    action(async (options: { rules?: string }) => {
      const rt = cliRuntime();
      await requireInfra(rt);
      const { logger } = rt;
      return detectorRebuildCommand(repoRoot, options.rules ? ["--rules", options.rules] : [], logger.level);
    }),
  );
}

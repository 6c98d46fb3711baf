import { Argument, type Command } from "commander";
import { action } from "../cliErrors";
import { type RunningService, SERVICES, type ServiceName, spawnService, stopServices } from "../serviceProcesses";
import { examples } from "../usage";

/** `entrepot run <service>|all`: the services as child processes in the foreground */
export function registerRun(program: Command, repoRoot: string): void {
  examples(
    program
      .command("run")
      .description(`run ${SERVICES.join(", ")} (or all) in the foreground`)
      .addArgument(
        new Argument("<service>", "a service, or all (the api only when ENTREPOT_API_KEYS or ENTREPOT_API_KEY_HASHES is set)").choices([...SERVICES, "all"]),
      ),
    "run all",
    "run normalizer",
  ).action(
    action(async (service: ServiceName | "all") => {
      // the api needs its keys configured (ENTREPOT_API_KEYS, ENTREPOT_SECRET_KEY); `all` includes it only then
      const withApi = Boolean(process.env.ENTREPOT_API_KEYS || process.env.ENTREPOT_API_KEY_HASHES);
      const names = service === "all" ? SERVICES.filter((s) => s !== "api" || withApi) : [service];
      if (service === "all" && !withApi) process.stderr.write("entrepot: not starting api (ENTREPOT_API_KEYS is not set)\n");
      const running: RunningService[] = [];
      for (const name of names) {
        // each service gets its own health port when several share one machine
        const env = names.length > 1 ? { ...process.env, HEALTH_PORT: process.env.HEALTH_PORT ?? "0" } : process.env;
        running.push(await spawnService(repoRoot, name, { env }));
      }
      const stop = () => void stopServices(running);
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
      const codes = await Promise.all(running.map((r) => r.exited));
      return codes.every((c) => c === 0) ? 0 : 1;
    }),
  );
}

import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const root = resolve(import.meta.dirname, "../..");
const biome = join(root, "node_modules/.bin/biome");

/**
 * The import graph is guarded by Biome's noRestrictedImports overrides in biome.json, which
 * `pnpm lint` (part of `npm test` and CI) runs on every package. This test lints probe files laid
 * out like the repository, with the repository's own biome.json, and checks which imports fail.
 */
describe("import graph lint rule (biome.json)", () => {
  const dir = mkdtempSync(join(tmpdir(), "entrepot-imports-"));
  const config = JSON.parse(readFileSync(join(root, "biome.json"), "utf8")) as Record<string, unknown>;
  delete config.vcs; // the probe folder is no git checkout
  config.files = { includes: ["**"] };
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  let n = 0;
  function lintFails(path: string, specifier: string): boolean {
    // one folder per probe (with the repository's config at its root), so probes do not see each other
    const probeRoot = join(dir, String(n++));
    const file = join(probeRoot, path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(join(probeRoot, "biome.json"), JSON.stringify(config));
    writeFileSync(file, `import { thing } from "${specifier}";\n\nexport const used = thing;\n`);
    try {
      execFileSync(biome, ["lint", "--max-diagnostics=5", path], { cwd: probeRoot, stdio: "pipe" });
      return false;
    } catch (err) {
      const failed = err as { stdout?: Buffer; stderr?: Buffer };
      const out = `${failed.stdout ?? ""}${failed.stderr ?? ""}`;
      expect(out).toContain("noRestrictedImports");
      return true;
    }
  }

  it("fails a service importing another service, by package name or by path", () => {
    expect(lintFails("services/cli/src/probe.ts", "@entrepot/ingestor")).toBe(true);
    expect(lintFails("services/cli/src/probe.ts", "@entrepot/normalizer")).toBe(true);
    expect(lintFails("services/api/src/probe.ts", "../../notifier/src/notifier")).toBe(true);
    expect(lintFails("services/cli/src/probe.test.ts", "@entrepot/detector")).toBe(true);
  });

  it("fails a package importing a service", () => {
    expect(lintFails("packages/delivery/src/probe.ts", "@entrepot/notifier")).toBe(true);
  });

  it("fails production code importing the test kit, and allows it in tests", () => {
    expect(lintFails("services/cli/src/probe.ts", "@entrepot/testkit")).toBe(true);
    expect(lintFails("packages/kafka/src/probe.ts", "testcontainers")).toBe(true);
    expect(lintFails("services/cli/src/probe.test.ts", "@entrepot/testkit")).toBe(false);
  });

  it("fails a pure package importing Kafka, Redis, HTTP or runtime code, and allows it at the edges", () => {
    for (const specifier of [
      "kafkajs",
      "@platformatic/kafka",
      "@confluentinc/kafka-javascript",
      "ioredis",
      "bullmq",
      "fastify",
      "node:http",
      "@entrepot/runtime",
      "@entrepot/kafka",
    ]) {
      expect(lintFails("packages/detect/src/probe.ts", specifier), specifier).toBe(true);
    }
    expect(lintFails("packages/normalize/src/probe.ts", "ioredis")).toBe(true);
    expect(lintFails("packages/feeds/src/probe.ts", "node:net")).toBe(true);
    expect(lintFails("packages/detect/src/probe.ts", "node:fs")).toBe(false);
    expect(lintFails("packages/detect/src/probe.ts", "@entrepot/schemas")).toBe(false);
    expect(lintFails("packages/kafka/src/probe.ts", "kafkajs")).toBe(false);
    expect(lintFails("packages/kafka/src/probe.ts", "@platformatic/kafka")).toBe(false);
    expect(lintFails("packages/kafka/src/probe.ts", "@confluentinc/kafka-javascript")).toBe(false);
    expect(lintFails("services/normalizer/src/probe.ts", "@entrepot/kafka")).toBe(false);
    // sixteen biome runs, each 0.2-0.7 s on a loaded machine
  }, 30_000);

  it("fails a deep import into another package's files", () => {
    expect(lintFails("services/detector/src/probe.ts", "@entrepot/detect/src/shareShift")).toBe(true);
  });
});

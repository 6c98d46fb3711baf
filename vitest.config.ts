import { defineConfig } from "vitest/config";

/**
 * Three projects:
 * - unit: pure logic beside the sources (`*.test.ts`), no infrastructure;
 * - integration: `*.int.test.ts` and `test/e2e`, on a real Kafka broker and a real Redis that
 *   packages/testkit's globalSetup finds or starts (env, running ports, testcontainers, local scripts);
 * - faults: `test/faults/*.fault.test.ts`, services killed and a private broker and Redis restarted
 *   mid-stream, each run reconciled key by key (docs/faults.md).
 */
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          // groups run from the lowest: unit and integration (0) together, then the fault suite (1)
          sequence: { groupOrder: 0 },
          include: [
            "packages/*/src/**/*.test.ts",
            "services/*/src/**/*.test.ts",
            "test/unit/**/*.test.ts",
            "test/bench/**/*.test.ts",
            "test/faults/**/*.test.ts",
          ],
          exclude: ["**/*.int.test.ts", "**/*.fault.test.ts", "**/node_modules/**"],
        },
      },
      {
        test: {
          name: "integration",
          sequence: { groupOrder: 0 },
          include: ["packages/*/src/**/*.int.test.ts", "services/*/src/**/*.int.test.ts", "test/e2e/**/*.test.ts"],
          exclude: ["**/node_modules/**"],
          globalSetup: ["packages/testkit/src/globalSetup.ts"],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          // one broker and two cores: run integration files one after another
          fileParallelism: false,
        },
      },
      {
        test: {
          name: "faults",
          include: ["test/faults/**/*.fault.test.ts"],
          exclude: ["**/node_modules/**"],
          // its own broker and Redis (stopped and restarted by the scenarios), never the shared ones
          globalSetup: ["test/faults/globalSetup.ts"],
          testTimeout: 300_000,
          hookTimeout: 300_000,
          fileParallelism: false,
          // after unit and integration (group 0), so its broker and services never compete with them
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});

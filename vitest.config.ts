import { defineConfig } from "vitest/config";

/**
 * Two projects:
 * - unit: pure logic beside the sources (`*.test.ts`), no infrastructure;
 * - integration: `*.int.test.ts` and `test/e2e`, on a real Kafka broker and a real Redis that
 *   packages/testkit's globalSetup finds or starts (env, running ports, testcontainers, local scripts).
 */
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: ["packages/*/src/**/*.test.ts", "services/*/src/**/*.test.ts", "test/unit/**/*.test.ts"],
          exclude: ["**/*.int.test.ts", "**/node_modules/**"],
        },
      },
      {
        test: {
          name: "integration",
          include: ["packages/*/src/**/*.int.test.ts", "services/*/src/**/*.int.test.ts", "test/e2e/**/*.test.ts"],
          exclude: ["**/node_modules/**"],
          globalSetup: ["packages/testkit/src/globalSetup.ts"],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          // one broker and two cores: run integration files one after another
          fileParallelism: false,
        },
      },
    ],
  },
});

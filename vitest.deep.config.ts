import { defineConfig } from "vitest/config";

/**
 * `npm run test:deep`: the genuinely long runs, kept out of the contributor's loop and
 * run by CI after `npm test`: recorded soaks judged by promtool, a live Prometheus, the
 * scripts and the broken servers on real k6, deep server fuzzing.
 */
export default defineConfig({
  test: {
    include: ["test/**/*.deep.test.ts", "property/**/*.deep.test.ts", "load/**/*.deep.test.ts"],
    testTimeout: 180_000,
    hookTimeout: 180_000,
    pool: "forks",
  },
});

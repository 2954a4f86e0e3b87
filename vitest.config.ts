import { defineConfig } from "vitest/config";

/** `npm test`: everything but the deep runs (`*.deep.test.ts`), which `npm run test:deep` and CI run. */
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts", "property/**/*.test.ts", "load/**/*.test.ts"],
    exclude: ["**/node_modules/**", "**/*.deep.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
  },
});

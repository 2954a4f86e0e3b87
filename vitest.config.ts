import { defineConfig } from "vitest/config";

/** The files `npm test` runs: everything but the deep runs (`*.deep.test.ts`), which `npm run test:deep` and CI run. */
export const SUITE_INCLUDE = ["test/**/*.test.ts", "property/**/*.test.ts", "load/**/*.test.ts"];

/** What no suite runs from the folders above. */
export const SUITE_EXCLUDE = ["**/node_modules/**", "**/*.deep.test.ts"];

/**
 * Files that judge real-time runs (the k6 Node runner's thresholds, the soak's time away,
 * the server's own timers): they run after the rest, one file at a time, so the other
 * worker's CPU does not eat their budgets on a 2-core box.
 */
export const REAL_TIME_FILES = [
  "test/hardening/soak.test.ts",
  "test/load/cli.test.ts",
  "test/load/cliEngine.test.ts",
  "test/load/runBundle.test.ts",
  "test/load/scriptsBrokenServers.test.ts",
  "test/load/scriptsGoldenPath.test.ts",
  "test/server/connectionLimits.test.ts",
];

/** `npm test`. */
export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
    // Files share a worker's module cache (no per-file re-import of the server, zod and
    // the simulator): test/protocol+server+hardening took 48 CPU-s instead of 80 on the
    // 2-core box (issue 13). Every test file starts its own servers on free ports and
    // writes only to its own temporary folders, so a file never sees another's state.
    isolate: false,
    projects: [
      {
        extends: true,
        // vitest's default on 2 cores is one worker, which leaves a core idle while a test
        // waits on a socket or a child process; two workers overlap those waits.
        test: { name: "suite", include: SUITE_INCLUDE, exclude: [...SUITE_EXCLUDE, ...REAL_TIME_FILES], maxWorkers: 2, sequence: { groupOrder: 0 } },
      },
      {
        extends: true,
        test: { name: "real-time", include: REAL_TIME_FILES, maxWorkers: 1, sequence: { groupOrder: 1 } },
      },
    ],
  },
});

/**
 * The vitest suite as `npm run mutate` runs it: everything but the tests that only drive a
 * CLI in a child process. Stryker activates a mutant inside the test process, so a child
 * process always runs the unmutated code: those tests cannot kill a mutant, and under
 * instrumentation on a shared 2-core box their start-up timeouts fail the dry run.
 */
import { defineConfig } from "vitest/config";
import { SUITE_EXCLUDE, SUITE_INCLUDE } from "./vitest.config.ts";

export default defineConfig({
  test: {
    include: SUITE_INCLUDE,
    exclude: [...SUITE_EXCLUDE, "test/server/cli.test.ts", "test/load/cli.test.ts", "test/report/**", "test/sim/simCli.test.ts", "property/cli.test.ts"],
    // One project, each file isolated, as before `npm test` grew its worker groups
    // (vitest.config.ts): Stryker sets its own pool and worker count.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
  },
});

/**
 * The vitest suite as `npm run mutate` runs it: everything but the tests that only drive a
 * CLI in a child process. Stryker activates a mutant inside the test process, so a child
 * process always runs the unmutated code: those tests cannot kill a mutant, and under
 * instrumentation on a shared 2-core box their start-up timeouts fail the dry run. Also left
 * out: the real soak (test/hardening/realSoak.test.ts), which bounds a reconnect on the wall
 * clock (it took 2.9 s against its 2 s under instrumentation) and runs its clients in a worker,
 * and the tests whose server, k6 or documented command runs in a child process (multiInstance,
 * serveRedisFlags, load/cliEngine, docs/commandsInDocs): their start-up timed out in the dry run
 * at a load average of 28, and a child process never runs a mutant.
 */
import { defineConfig, mergeConfig } from "vitest/config";
import base from "./vitest.config.ts";

export default mergeConfig(
  base,
  defineConfig({
    test: {
      // As before the suite shared modules between files (vitest.config.ts): Stryker sets its
      // own pool and worker count, and a mutant's instrumented modules stay per file.
      isolate: true,
      exclude: ["node_modules/**", "test/server/cli.test.ts", "test/load/cli.test.ts", "test/report/**", "test/sim/simCli.test.ts", "property/cli.test.ts", "test/hardening/realSoak.test.ts", "test/redis/multiInstance.test.ts", "test/redis/serveRedisFlags.test.ts", "test/load/cliEngine.test.ts", "test/docs/commandsInDocs.test.ts"],
    },
  }),
);

/**
 * Every exit code this project's commands return, in one table: each way a run can end maps
 * to its code (`npm run sim`, its `--replay`, `npm run record`; the report reads the same
 * outcome names from summary.json), plus the endings every command shares (usage, failure).
 * Runtime-free (like closeCodes.ts), so any layer may import it. The engine's own codes (a k6
 * run's 99, 104, 107, …) stay k6's numbers in one table, load/runner/exitCodes.ts, which the
 * runner and the load CLI read.
 */

/**
 * How a run ended → the exit code that says so. `timing` is a required budget missed where no
 * fault explains it (a correctness failure, like safety); `crash` is the system under test (or
 * the recorder) throwing.
 */
export const RUN_EXIT_CODES = { pass: 0, safety: 1, timing: 1, liveness: 3, crash: 4 } as const;

/** How a run ended: a simulation, a replayed trace or a live recording. */
export type RunOutcome = keyof typeof RUN_EXIT_CODES;

/** Every {@link RunOutcome}, in table order (for `z.enum`). */
export const RUN_OUTCOMES = Object.keys(RUN_EXIT_CODES) as [RunOutcome, ...RunOutcome[]];

/**
 * The run outcomes' codes plus the endings that are not a run's: `usage` (bad flag, unreadable
 * scenario, unreachable target, refused token), `failure` (the command could not do its job: a
 * server that would not listen, a bundle that would not build, an unexpected error),
 * `invalidLoadRun` (`npm run load`: the load generator fell behind, so the run measured
 * nothing; shares 3 with `liveness`, which only run-judging commands return),
 * `nondeterminism` (a seed's second run gave another trace) and `interrupted` (Ctrl-C stopped
 * a sweep, which wrote its partial summary; 128 + SIGINT, as a shell reports a command killed
 * by Ctrl-C).
 */
// Object.assign, not spread: like closeCodes.ts, this module may be bundled for ES2017.
export const EXIT_CODES = Object.assign({}, RUN_EXIT_CODES, { usage: 2, failure: 1, invalidLoadRun: 3, nondeterminism: 5, interrupted: 130 } as const);

/**
 * Process exit codes of the Node runner. Every code that k6 also has keeps k6's
 * number (k6: errext/exitcodes), so CI scripts written for `k6 run` read ours
 * the same way.
 */
export const EXIT_CODES = {
  /** The run finished and every threshold passed. */
  ok: 0,
  /** At least one threshold failed (also when `abortOnFail` stopped the run early). k6: ThresholdsHaveFailed. */
  thresholdsFailed: 99,
  /** `setup()` did not finish within `setupTimeout`. k6: SetupTimeout. */
  setupTimeout: 100,
  /** `teardown()` did not finish within `teardownTimeout`. k6: TeardownTimeout. */
  teardownTimeout: 101,
  /** The script's options (or flags that override them) are invalid. k6: InvalidConfig. */
  invalidConfig: 104,
  /** SIGINT/SIGTERM stopped the run. k6: ExternalAbort. */
  externalAbort: 105,
  /**
   * An exception aborted the run: in the init context, `setup()` or `teardown()`,
   * or the bundle imports a k6 module/export this runner lacks. k6: ScriptException.
   * An exception inside an iteration is logged and the run goes on, as in k6.
   */
  scriptException: 107,
  /** The script called `exec.test.abort()`. k6: ScriptAborted. */
  scriptAborted: 108,
  /** The script called `exec.test.fail()`; the run went on to the end. k6: MarkedAsFailed. */
  markedAsFailed: 110,
  /** Bad command line (unknown flag, missing bundle path). k6 exits with -1, i.e. 255, for these. */
  usageError: 255,
} as const;

/** One of the runner's exit codes. */
export type ExitCode = (typeof EXIT_CODES)[keyof typeof EXIT_CODES];

/** An error that carries the exit code the run must end with. */
export class RunnerError extends Error {
  readonly exitCode: ExitCode;

  constructor(message: string, exitCode: ExitCode, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "RunnerError";
    this.exitCode = exitCode;
  }
}

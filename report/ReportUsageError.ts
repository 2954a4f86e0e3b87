/** Bad input from the command line (a flag, a missing directory, no results): exit 2 with this message. */
export class ReportUsageError extends Error {
  override readonly name = "ReportUsageError";
  /** The process exit code for usage errors. */
  readonly exitCode = 2;
}

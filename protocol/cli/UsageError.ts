/**
 * The one usage error every command of this project throws for bad input from outside (a
 * flag, a missing file, an unreachable target, a refused token): the CLI prints its one-line
 * message (plus its usage text when `showUsage`), no stack trace, and exits with
 * `EXIT_CODES.usage` (2). Runtime-free, so any room may import it (the k6 stand-in runner
 * keeps its own: it knows nothing of ours).
 */
import { EXIT_CODES } from "../exitCodes.ts";

/** Bad input from outside: one line naming the problem and the fix; exit 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
  /** The process exit code for it: {@link EXIT_CODES}.usage. */
  readonly exitCode: number = EXIT_CODES.usage;
  /** Print the command's usage text after the message (flag errors); configuration errors say enough alone. */
  readonly showUsage: boolean;
  constructor(message: string, options: { showUsage?: boolean } = {}) {
    super(message);
    this.showUsage = options.showUsage ?? true;
  }
}

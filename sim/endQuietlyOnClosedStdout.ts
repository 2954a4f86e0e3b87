/**
 * `npm run sim | head` (or `npm run prop -- --list | head -1`) closes the pipe early: that is
 * the reader's choice, not an error. Called at a CLI's process edge, it ends the process with
 * its exit code so far when stdout reports EPIPE, instead of an unhandled 'error' stack trace.
 */
export function endQuietlyOnClosedStdout(): void {
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw error;
  });
}

/**
 * Runs a CLI's exported `main(argv, io)` in this process and collects what it wrote: the
 * same parsing, messages and exit codes as the command, without a child process's start-up
 * under tsx (~1.3 s of CPU each on the 2-core box; issue 13). The process edge itself (the
 * exit status, the streams, signals) is covered by a few real child-process runs per CLI.
 */

/** What a CLI run gave: its exit code and everything it wrote to each stream. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** The writers a CLI's `main` takes (each CLI's io has at least these). */
export interface CliWriters {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

/** Calls `main(argv, writers)` and returns its exit code and output. */
export async function runCliInProcess(main: (argv: readonly string[], io: CliWriters) => Promise<number>, argv: readonly string[]): Promise<CliRun> {
  let stdout = "";
  let stderr = "";
  const code = await main(argv, {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
  });
  return { code, stdout, stderr };
}

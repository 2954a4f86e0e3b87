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

/**
 * Calls `main(argv, io)` and returns its exit code and output. `rest`: the io fields a CLI
 * takes beyond its writers (the token CLI's `env`, load's and record's `cwd`, …).
 */
export async function runCliInProcess<Rest extends object>(main: (argv: readonly string[], io: CliWriters & Rest) => Promise<number>, argv: readonly string[], rest?: Rest): Promise<CliRun> {
  let stdout = "";
  let stderr = "";
  const writers: CliWriters = {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
  };
  const code = await main(argv, { ...(rest as Rest), ...writers });
  return { code, stdout, stderr };
}

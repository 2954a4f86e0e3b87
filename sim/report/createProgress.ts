/**
 * A one-line progress display on stderr for long commands (sweeps, deep property runs,
 * load, soak). Quiet under CI=true or when stderr is not a terminal, except for notes
 * (failures), which are always printed.
 */

/** Options of {@link createProgress}. */
export interface ProgressOptions {
  total: number;
  label: string;
  /** Redraw at most this often, ms of wall time. */
  redrawMs?: number;
  /** Force quiet (default: CI=true or not a TTY). */
  quiet?: boolean;
}

/** A progress line. */
export interface Progress {
  tick(extra?: { failures?: number }): void;
  /** Prints a line above the progress (always, even when quiet). */
  note(text: string): void;
  done(): void;
}

/** Creates a progress display. Wall time here is display only; it never reaches a simulation. */
export function createProgress(options: ProgressOptions): Progress {
  const quiet = options.quiet ?? (process.env.CI === "true" || process.stderr.isTTY !== true);
  const redrawMs = options.redrawMs ?? 200;
  const startedAt = Date.now();
  let done = 0;
  let failures = 0;
  let lastDrawAt = 0;
  let drawn = false;
  const draw = () => {
    const elapsedS = (Date.now() - startedAt) / 1000;
    const rate = elapsedS > 0 ? done / elapsedS : 0;
    const percent = options.total > 0 ? Math.floor((done / options.total) * 100) : 100;
    process.stderr.write(`\r[${String(done).padStart(String(options.total).length)}/${options.total}] ${String(percent).padStart(3)}% · ${rate.toFixed(1)} ${options.label}/s · failures ${failures}   `);
    drawn = true;
  };
  const clear = () => {
    if (drawn) process.stderr.write("\r\u001b[2K");
    drawn = false;
  };
  return {
    tick(extra) {
      done += 1;
      if (extra?.failures !== undefined) failures = extra.failures;
      if (quiet) return;
      const now = Date.now();
      if (now - lastDrawAt >= redrawMs || done === options.total) {
        lastDrawAt = now;
        draw();
      }
    },
    note(text) {
      clear();
      process.stderr.write(`${text}\n`);
    },
    done() {
      clear();
    },
  };
}

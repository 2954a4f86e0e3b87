/**
 * Progress on stderr for long commands (sweeps, deep property runs). In a terminal: one
 * line redrawn in place, with the rate and an ETA. Elsewhere (a CI log, a pipe, a file):
 * a full line every few seconds, so a long run is never silent. Quiet under CI=true or
 * when asked (`-q`), except for notes (failures), which are always printed.
 */
import { formatDurationSeconds } from "../../protocol/cli/durations.ts";

/** How often a non-terminal gets a progress line, ms of wall time. */
export const PROGRESS_LINE_EVERY_MS = 5_000;

/** Where progress goes: stderr, or a test's stand-in. */
export interface ProgressStream {
  write(text: string): unknown;
  /** True for a terminal: redraw in place. Otherwise, print a full line now and then. */
  isTTY?: boolean;
}

/** Options of {@link createProgress}. */
export interface ProgressOptions {
  total: number;
  label: string;
  /** Redraw a terminal's line at most this often, ms of wall time. Default 200. */
  redrawMs?: number;
  /** Print a full line at most this often when not a terminal, ms. Default {@link PROGRESS_LINE_EVERY_MS}. */
  lineEveryMs?: number;
  /** No progress (notes still print). Default: CI=true. */
  quiet?: boolean;
  /** Default process.stderr. */
  stream?: ProgressStream;
  /** Wall clock, ms. Default Date.now; display only, it never reaches a simulation. */
  nowMs?: () => number;
}

/** A progress display. */
export interface Progress {
  tick(extra?: { failures?: number }): void;
  /** Prints a line above the progress (always, even when quiet). */
  note(text: string): void;
  done(): void;
}

/** Creates a progress display (see the module comment). */
export function createProgress(options: ProgressOptions): Progress {
  const stream = options.stream ?? process.stderr;
  const nowMs = options.nowMs ?? (() => Date.now());
  const quiet = options.quiet ?? process.env.CI === "true";
  const terminal = stream.isTTY === true;
  const everyMs = terminal ? (options.redrawMs ?? 200) : (options.lineEveryMs ?? PROGRESS_LINE_EVERY_MS);
  const startedAt = nowMs();
  let done = 0;
  let failures = 0;
  let lastDrawAt = startedAt;
  let drawn = false;
  const status = (): string => {
    const elapsedS = (nowMs() - startedAt) / 1000;
    const rate = elapsedS > 0 ? done / elapsedS : 0;
    const percent = options.total > 0 ? Math.floor((done / options.total) * 100) : 100;
    const eta = rate > 0 && done < options.total ? ` · ETA ${formatDurationSeconds((options.total - done) / rate)}` : "";
    return `[${String(done).padStart(String(options.total).length)}/${options.total}] ${String(percent).padStart(3)}% · ${rate.toFixed(1)} ${options.label}/s · failures ${failures} · ${formatDurationSeconds(elapsedS)} elapsed${eta}`;
  };
  const draw = () => {
    if (terminal) {
      stream.write(`\r\u001b[2K${status()}`);
      drawn = true;
    } else {
      stream.write(`${status()}\n`);
    }
  };
  const clear = () => {
    if (drawn) stream.write("\r\u001b[2K");
    drawn = false;
  };
  return {
    tick(extra) {
      done += 1;
      if (extra?.failures !== undefined) failures = extra.failures;
      if (quiet) return;
      const now = nowMs();
      // A terminal shows the last count too; a log gets no final line (the command's result follows).
      if (now - lastDrawAt >= everyMs || (terminal && done === options.total)) {
        lastDrawAt = now;
        draw();
      }
    },
    note(text) {
      clear();
      stream.write(`${text}\n`);
    },
    done() {
      clear();
    },
  };
}

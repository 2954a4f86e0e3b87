/**
 * The project's durations on the command line and in its output, in one module: parsing a
 * short duration (`90`, `90s`, `15m`, `1h`, `7d`: the token's `--ttl`) and formatting one for
 * people (`1m 15s`: the sweep's progress and ETA). Runtime-free, so any CLI may import it.
 * A k6 duration (`npm run load -- --duration 1m30s`, script options) is the engine's syntax and
 * is parsed the engine's way, by load/runner/options/parseDuration.ts.
 */

const UNIT_SECONDS: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3_600, d: 86_400 };

/** Longest duration {@link parseDurationSeconds} accepts, seconds (one year). */
export const DURATION_SECONDS_MAX = 366 * 86_400;

/** Whole seconds of `text` (`90`, `90s`, `15m`, `1h`, `7d`; a bare number is seconds), or an error sentence naming the rule. */
export function parseDurationSeconds(text: string): { ok: true; seconds: number } | { ok: false; message: string } {
  const match = /^(\d{1,9})([smhd]?)$/.exec(text.trim());
  if (match === null) return { ok: false, message: `"${text}" is not a duration: use a whole number with an optional unit s, m, h or d (e.g. 90s, 15m, 1h, 7d)` };
  const seconds = Number(match[1]) * (UNIT_SECONDS[match[2] || "s"] ?? 1);
  if (seconds <= 0) return { ok: false, message: `"${text}" must be longer than 0 seconds` };
  if (seconds > DURATION_SECONDS_MAX) return { ok: false, message: `"${text}" is longer than one year` };
  return { ok: true, seconds };
}

/** `75` → `1m 15s`; `3725` → `1h 2m`; `9` → `9s` (rounded to whole seconds, never negative). */
export function formatDurationSeconds(seconds: number): string {
  const whole = Math.max(0, Math.round(seconds));
  if (whole < 60) return `${whole}s`;
  if (whole < 3600) return `${Math.floor(whole / 60)}m ${whole % 60}s`;
  return `${Math.floor(whole / 3600)}h ${Math.floor((whole % 3600) / 60)}m`;
}

/**
 * Parses a short duration such as `90`, `90s`, `15m`, `1h` or `7d` into whole seconds,
 * for the token CLI's `--ttl`.
 */

const UNIT_SECONDS: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3_600, d: 86_400 };

/** Longest duration accepted, seconds (one year). */
export const DURATION_SECONDS_MAX = 366 * 86_400;

/** Whole seconds of `text`, or an error sentence naming the rule. */
export function parseDurationSeconds(text: string): { ok: true; seconds: number } | { ok: false; message: string } {
  const match = /^(\d{1,9})([smhd]?)$/.exec(text.trim());
  if (match === null) return { ok: false, message: `"${text}" is not a duration: use a whole number with an optional unit s, m, h or d (e.g. 90s, 15m, 1h, 7d)` };
  const seconds = Number(match[1]) * (UNIT_SECONDS[match[2] || "s"] ?? 1);
  if (seconds <= 0) return { ok: false, message: `"${text}" must be longer than 0 seconds` };
  if (seconds > DURATION_SECONDS_MAX) return { ok: false, message: `"${text}" is longer than one year` };
  return { ok: true, seconds };
}

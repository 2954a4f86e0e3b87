/**
 * Parses a k6 duration into milliseconds, the way k6's options do
 * (lib/types ParseExtendedDuration): a bare number is milliseconds; a string is
 * Go duration syntax (`1h2m3.5s`, `300ms`, `10us`) optionally led by whole days
 * (`2d`, `1d12h`).
 *
 * @throws Error naming the input when it is not a duration.
 */
export function parseDuration(input: string | number): number {
  if (typeof input === "number") {
    if (!Number.isFinite(input)) throw new Error(`'${input}' is not a valid duration value`);
    return input;
  }
  const text = input.trim();
  if (text !== "" && Number.isFinite(Number(text))) return Number(text);
  const dayIndex = text.indexOf("d");
  if (dayIndex < 0) return parseGoDuration(text);
  const daysText = text.slice(0, dayIndex);
  if (!/^[-+]?\d+$/.test(daysText)) throw new Error(`invalid duration '${input}'`);
  const days = Number(daysText);
  const restText = text.slice(dayIndex + 1);
  const restMs = restText === "" ? 0 : parseGoDuration(restText);
  if (restMs < 0) throw new Error(`invalid time format '${restText}'`);
  return days * MS_PER_UNIT.h * 24 + (days < 0 ? -restMs : restMs);
}

const MS_PER_UNIT = {
  ns: 1e-6,
  us: 1e-3,
  "µs": 1e-3,
  "μs": 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
} as const;

function unitMs(unit: string | undefined): number {
  return (MS_PER_UNIT as Readonly<Record<string, number | undefined>>)[unit ?? ""] ?? Number.NaN;
}

function parseGoDuration(text: string): number {
  const match = /^([-+]?)((?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+$/.exec(text);
  if (text === "0") return 0;
  if (match === null) throw new Error(`invalid duration '${text}'`);
  const sign = match[1] === "-" ? -1 : 1;
  let totalMs = 0;
  for (const part of text.slice(match[1]?.length ?? 0).matchAll(/(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g)) {
    totalMs += Number(part[1]) * unitMs(part[2]);
  }
  return sign * totalMs;
}

/** Formats milliseconds the way k6 prints durations (`1m30s`, `500ms`, `0s`). */
export function formatDuration(durationMs: number): string {
  if (durationMs === 0) return "0s";
  if (Math.abs(durationMs) < 1000) return `${round(durationMs, 3)}ms`;
  const sign = durationMs < 0 ? "-" : "";
  let rest = Math.abs(durationMs);
  const hours = Math.floor(rest / MS_PER_UNIT.h);
  rest -= hours * MS_PER_UNIT.h;
  const minutes = Math.floor(rest / MS_PER_UNIT.m);
  rest -= minutes * MS_PER_UNIT.m;
  const seconds = round(rest / 1000, 3);
  const hoursText = hours > 0 ? `${hours}h` : "";
  const minutesText = hours > 0 || minutes > 0 ? `${minutes}m` : "";
  return `${sign}${hoursText}${minutesText}${seconds}s`;
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

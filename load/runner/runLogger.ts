/** Log levels, as k6 prints them. */
export type LogLevel = "debug" | "info" | "warn" | "error";

/** Structured fields appended to a log line as `key=value`. */
export type LogFields = Readonly<Record<string, string | number | undefined>>;

/** The runner's logger: one line per message on stderr, formatted like k6's (`ERRO[0003] message  key=value`). */
export interface RunLogger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

const LEVEL_LABEL: Readonly<Record<LogLevel, string>> = { debug: "DEBU", info: "INFO", warn: "WARN", error: "ERRO" };

/** Width the message is padded to before the fields, as in k6's text logs. */
const MESSAGE_COLUMN_WIDTH = 45;

/**
 * A logger writing k6-style lines through `write`. `elapsedSeconds` gives the
 * `[0003]` column; debug lines appear only with `verbose`.
 */
export function createRunLogger(options: { write: (line: string) => void; elapsedSeconds: () => number; verbose?: boolean }): RunLogger {
  const log = (level: LogLevel, message: string, fields?: LogFields): void => {
    if (level === "debug" && options.verbose !== true) return;
    const seconds = String(Math.floor(options.elapsedSeconds())).padStart(4, "0");
    const fieldText = Object.entries(fields ?? {})
      .filter(([, value]) => value !== undefined)
      .map(([key, value]) => `${key}=${String(value)}`)
      .join(" ");
    const body = fieldText === "" ? message : `${message.padEnd(MESSAGE_COLUMN_WIDTH)} ${fieldText}`;
    options.write(`${LEVEL_LABEL[level]}[${seconds}] ${body}\n`);
  };
  return {
    debug: (message, fields) => log("debug", message, fields),
    info: (message, fields) => log("info", message, fields),
    warn: (message, fields) => log("warn", message, fields),
    error: (message, fields) => log("error", message, fields),
  };
}

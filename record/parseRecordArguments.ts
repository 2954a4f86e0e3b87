/**
 * The flags of `npm run record`, parsed and checked at the edge: one typed error per
 * mistake, naming the flag and the fix (the CLI prints it on one line and exits 2).
 */
import { parseArgs } from "node:util";
import { decodeJwt } from "jose";
import { UsageError } from "../protocol/cli/UsageError.ts";

/** Defaults of the flags, one place. */
export const RECORD_DEFAULTS = {
  runs: 3,
  dropPauseMs: 100,
  timeoutMs: 60_000,
  ackEveryEvents: 10,
  unplannedReconnectsMax: 5,
  traceLinesMax: 1_000_000,
  outRoot: "results/record",
} as const;

const RECORD_OPTIONS = {
  target: { type: "string" },
  secret: { type: "string" },
  token: { type: "string" },
  user: { type: "string", multiple: true },
  runs: { type: "string" },
  scenario: { type: "string" },
  "drop-every-ms": { type: "string" },
  "drop-pause-ms": { type: "string" },
  "timeout-ms": { type: "string" },
  out: { type: "string" },
  json: { type: "boolean" },
  help: { type: "boolean" },
} as const;

/** What the flags ask for. */
export interface RecordCommand {
  target: string;
  credentials: { secret: string } | { token: string };
  users: string[];
  runs: number;
  scenario: string | undefined;
  dropEveryMs: number;
  dropPauseMs: number;
  timeoutMs: number;
  out: string | undefined;
  json: boolean;
}

/** Parses the flags; "help" for --help. @throws UsageError naming the flag and the fix */
export function parseRecordArguments(argv: readonly string[], options: { nowMs: number }): RecordCommand | "help" {
  let values;
  try {
    values = parseArgs({ args: [...argv], strict: true, allowPositionals: false, options: RECORD_OPTIONS }).values;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help === true) return "help";
  const target = values.target;
  if (target === undefined) throw new UsageError("--target is required: the server's WebSocket URL, e.g. --target ws://127.0.0.1:8080/ws");
  if (!/^wss?:\/\/[^/\s]+/.test(target)) throw new UsageError(`--target must be a ws:// or wss:// URL, got "${target}"`);
  if ((values.secret === undefined) === (values.token === undefined)) throw new UsageError("give exactly one of --secret S (the server's JWT secret) or --token T (a ready token)");
  if (values.secret === "") throw new UsageError("--secret must not be empty");
  if (values.token !== undefined && values.user !== undefined) throw new UsageError("--user and --token cannot be used together: the token's sub is the user");
  let users = values.user ?? [`rec-${options.nowMs.toString(36)}`];
  if (values.token !== undefined) users = [tokenSubject(values.token)];
  if (users.some((user) => user === "")) throw new UsageError("--user must not be empty");
  if (new Set(users).size !== users.length) throw new UsageError("--user: each user once (one client per user)");
  const integer = (name: string, text: string | undefined, bounds: { min: number; max: number; fallback: number }): number => {
    if (text === undefined) return bounds.fallback;
    if (!/^\d+$/.test(text) || Number(text) < bounds.min || Number(text) > bounds.max) throw new UsageError(`--${name} must be an integer from ${bounds.min} to ${bounds.max}, got "${text}"`);
    return Number(text);
  };
  return {
    target,
    credentials: values.secret !== undefined ? { secret: values.secret } : { token: values.token as string },
    users,
    runs: integer("runs", values.runs, { min: 1, max: 1000, fallback: RECORD_DEFAULTS.runs }),
    scenario: values.scenario,
    dropEveryMs: integer("drop-every-ms", values["drop-every-ms"], { min: 0, max: 3_600_000, fallback: 0 }),
    dropPauseMs: integer("drop-pause-ms", values["drop-pause-ms"], { min: 0, max: 60_000, fallback: RECORD_DEFAULTS.dropPauseMs }),
    timeoutMs: integer("timeout-ms", values["timeout-ms"], { min: 1, max: 3_600_000, fallback: RECORD_DEFAULTS.timeoutMs }),
    out: values.out,
    json: values.json === true,
  };
}

function tokenSubject(token: string): string {
  let sub: unknown;
  try {
    sub = decodeJwt(token).sub;
  } catch {
    throw new UsageError("--token is not a JWT (header.claims.signature): pass the token the server issued, or --secret S to mint one");
  }
  if (typeof sub !== "string" || sub === "") throw new UsageError("--token has no sub claim: the server could not name its user");
  return sub;
}

/**
 * `npm run record -- --target ws://… (--secret S | --token T) [options]`: drives a few
 * agent runs against any server that speaks docs/protocol.md (optionally dropping and
 * resuming every N ms), records what each client saw as a trace (protocol/trace.ts),
 * judges it with the shared checker and writes the simulator's layout
 * (`<out>/trace.jsonl` + `<out>/summary.json`, marked `source: "live"`), so
 * `npm run sim -- --replay` re-checks it and `npm run report` draws it. See docs/record.md.
 *
 * Exit codes (the simulator's numbers, sim/cli.ts EXIT_CODES): 0 pass · 1 safety violation · 2 bad usage, an
 * unreachable target or a refused token · 3 liveness (a violation, or runs that did not
 * complete before --timeout-ms).
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { decodeJwt } from "jose";
import { probeTarget } from "../load/probeTarget.ts";
import { jwtSecretKey } from "../server/auth/jwtSecretKey.ts";
import { signAccessToken } from "../server/auth/signAccessToken.ts";
import { recordLive, type LiveRecording } from "./recordLive.ts";

/** Exit code per outcome; the same numbers as `npm run sim` (sim/cli.ts runs on import, so they are not imported from there). */
export const RECORD_EXIT_CODES = { pass: 0, safety: 1, usage: 2, liveness: 3 } as const;

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

/** Lifetime of a token minted from --secret, seconds (one recording). */
const MINTED_TOKEN_TTL_SECONDS = 3600;

const USAGE = `Usage: npm run record -- --target ws://host:port/ws (--secret S | --token T) [options]

  --target URL         the server's WebSocket endpoint (ws:// or wss://)
  --secret S           its HS256 JWT secret: a token is minted per --user
  --token T            a ready token (its sub is the user; not with --secret or --user)
  --user ID            a user to record, one client each; repeat for a few
                       (default: rec-<time>, a fresh user per recording)
  --runs N             agent runs per user, one after another (default ${RECORD_DEFAULTS.runs})
  --scenario NAME      start_agent.scenario (default: none, the server's default script)
  --drop-every-ms N    drop each socket N ms after it opens and resume with last_seq + epoch (default 0: never)
  --drop-pause-ms N    time between a drop and the resume (default ${RECORD_DEFAULTS.dropPauseMs})
  --timeout-ms N       stop every client after this long (default ${RECORD_DEFAULTS.timeoutMs})
  --out DIR            where trace.jsonl and summary.json go (default ${RECORD_DEFAULTS.outRoot}/<time>)
  --json               print summary.json instead of text
  --help               this text

Exit codes: 0 pass, 1 safety violation, 2 bad usage or unreachable target or refused token, 3 liveness.`;

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

/** A wrong flag, an unreachable target or a refused token: one line, exit 2. */
export class RecordUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RecordUsageError";
  }
}

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

/** Where the command writes and what it may read. */
export interface RecordIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  cwd: string;
}

/** Parses the flags; "help" for --help. @throws RecordUsageError naming the flag and the fix */
export function parseRecordArguments(argv: readonly string[], options: { nowMs: number }): RecordCommand | "help" {
  let values;
  try {
    values = parseArgs({ args: [...argv], strict: true, allowPositionals: false, options: RECORD_OPTIONS }).values;
  } catch (error) {
    throw new RecordUsageError((error as Error).message);
  }
  if (values.help === true) return "help";
  const target = values.target;
  if (target === undefined) throw new RecordUsageError("--target is required: the server's WebSocket URL, e.g. --target ws://127.0.0.1:8080/ws");
  if (!/^wss?:\/\/[^/\s]+/.test(target)) throw new RecordUsageError(`--target must be a ws:// or wss:// URL, got "${target}"`);
  if ((values.secret === undefined) === (values.token === undefined)) throw new RecordUsageError("give exactly one of --secret S (the server's JWT secret) or --token T (a ready token)");
  if (values.secret === "") throw new RecordUsageError("--secret must not be empty");
  if (values.token !== undefined && values.user !== undefined) throw new RecordUsageError("--user and --token cannot be used together: the token's sub is the user");
  let users = values.user ?? [`rec-${options.nowMs.toString(36)}`];
  if (values.token !== undefined) users = [tokenSubject(values.token)];
  if (users.some((user) => user === "")) throw new RecordUsageError("--user must not be empty");
  if (new Set(users).size !== users.length) throw new RecordUsageError("--user: each user once (one client per user)");
  const integer = (name: string, text: string | undefined, bounds: { min: number; max: number; fallback: number }): number => {
    if (text === undefined) return bounds.fallback;
    if (!/^\d+$/.test(text) || Number(text) < bounds.min || Number(text) > bounds.max) throw new RecordUsageError(`--${name} must be an integer from ${bounds.min} to ${bounds.max}, got "${text}"`);
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
    throw new RecordUsageError("--token is not a JWT (header.claims.signature): pass the token the server issued, or --secret S to mint one");
  }
  if (typeof sub !== "string" || sub === "") throw new RecordUsageError("--token has no sub claim: the server could not name its user");
  return sub;
}

/** Runs the command; resolves with the exit code. */
export async function main(argv: readonly string[], io: RecordIo = processIo()): Promise<number> {
  try {
    const command = parseRecordArguments(argv, { nowMs: Date.now() });
    if (command === "help") {
      io.stdout(`${USAGE}\n`);
      return 0;
    }
    return await record(command, io);
  } catch (error) {
    if (!(error instanceof RecordUsageError)) throw error;
    io.stderr(`record: ${error.message}\n`);
    return RECORD_EXIT_CODES.usage;
  }
}

async function record(command: RecordCommand, io: RecordIo): Promise<number> {
  const problem = await probeTarget(command.target, command.credentials);
  if (problem !== undefined) throw new RecordUsageError(problem);
  const startedAtMs = Date.now();
  const users = await Promise.all(
    command.users.map(async (userId) => ({
      userId,
      token:
        "token" in command.credentials
          ? command.credentials.token
          : await signAccessToken(userId, { secretKey: jwtSecretKey(command.credentials.secret), nowMs: startedAtMs, ttlSeconds: MINTED_TOKEN_TTL_SECONDS }),
    })),
  );
  const recording = await recordLive({
    users,
    session: {
      target: command.target,
      runs: command.runs,
      scenario: command.scenario,
      dropEveryMs: command.dropEveryMs,
      dropPauseMs: command.dropPauseMs,
      unplannedReconnectsMax: RECORD_DEFAULTS.unplannedReconnectsMax,
      ackEveryEvents: RECORD_DEFAULTS.ackEveryEvents,
      requestIdPrefix: `rec-${startedAtMs.toString(36)}`,
    },
    timeoutMs: command.timeoutMs,
    traceLinesMax: RECORD_DEFAULTS.traceLinesMax,
  });
  const directory = resolve(io.cwd, command.out ?? newRecordDirectory(io.cwd, startedAtMs));
  mkdirSync(directory, { recursive: true });
  const tracePath = join(directory, "trace.jsonl");
  const summaryPath = join(directory, "summary.json");
  const shown = (path: string): string => {
    const inside = relative(io.cwd, path);
    return inside === "" || inside.startsWith("..") ? path : inside;
  };
  const traceText = recording.lines.length === 0 ? "" : `${recording.lines.join("\n")}\n`;
  writeFileSync(tracePath, traceText);
  const summary = liveSummary(recording, { command, replay: `npm run sim -- --replay ${shown(tracePath)}`, traceSha256: createHash("sha256").update(traceText).digest("hex") });
  writeFileSync(summaryPath, `${JSON.stringify(summary, null, 2)}\n`);
  if (command.json) io.stdout(`${JSON.stringify(summary, null, 2)}\n`);
  else io.stdout(formatRecording(recording, { summary, tracePath: shown(tracePath), summaryPath: shown(summaryPath), directory: shown(directory) }));
  return RECORD_EXIT_CODES[summary.outcome];
}

/** The summary.json of a recording: the simulator's fields, marked live (no seed; the target instead). */
export function liveSummary(recording: LiveRecording, options: { command: RecordCommand; replay: string; traceSha256: string }) {
  const { command } = options;
  const { verdict } = recording;
  const runsRequested = command.runs * command.users.length;
  const runsCompleted = recording.sessions.reduce((sum, session) => sum + session.runsCompleted, 0);
  const stopped = recording.sessions.filter((session) => session.stoppedEarly !== null);
  const livenessReason =
    stopped.length === 0 ? null : `${runsCompleted} of ${runsRequested} run(s) completed: ${stopped.map((session) => `${session.userId}: ${session.stoppedEarly}`).join("; ")}`;
  const outcome: "pass" | "safety" | "liveness" = verdict.safety.length > 0 ? "safety" : !verdict.ok || livenessReason !== null ? "liveness" : "pass";
  return {
    kind: "sim" as const,
    source: "live" as const,
    target: command.target,
    seed: null,
    scenario: command.scenario ?? "default",
    plant: null,
    users: command.users,
    outcome,
    crash: null,
    faultPlan: null,
    drops: { everyMs: command.dropEveryMs, pauseMs: command.dropPauseMs },
    verdict,
    recordedMs: recording.endedAtMs - recording.startedAtMs,
    startedAt: new Date(recording.startedAtMs).toISOString(),
    totals: {
      runsRequested,
      runsStarted: recording.sessions.reduce((sum, session) => sum + session.runsStarted, 0),
      runsCompleted,
      drops: recording.sessions.reduce((sum, session) => sum + session.drops, 0),
      resumes: recording.sessions.reduce((sum, session) => sum + session.resumes, 0),
      traceLines: recording.lines.length,
    },
    timeline: {},
    livenessReason,
    repro: options.replay,
    traceSha256: options.traceSha256,
    realMs: recording.endedAtMs - recording.startedAtMs,
  };
}

/** The text the command prints: verdict, figures, first violations, files and the replay line. */
function formatRecording(recording: LiveRecording, where: { summary: ReturnType<typeof liveSummary>; tracePath: string; summaryPath: string; directory: string }): string {
  const { summary } = where;
  const status = { pass: "PASSED", safety: "FAILED (safety violation)", liveness: "FAILED (liveness)" }[summary.outcome];
  const violations = [...recording.verdict.safety, ...recording.verdict.liveness];
  const dropWords = summary.drops.everyMs === 0 ? "no drops" : `drop every ${summary.drops.everyMs} ms, resume after ${summary.drops.pauseMs} ms`;
  const lines = [
    `Recording · target ${summary.target} · ${summary.users.length} user(s) × ${summary.totals.runsRequested / summary.users.length} run(s) · ${dropWords}`,
    `Status: ${status}`,
    `Runs: ${summary.totals.runsCompleted} of ${summary.totals.runsRequested} completed · ${summary.totals.drops} drop(s), ${summary.totals.resumes} resume(s) · ${recording.verdict.counts.events} events, ${summary.totals.traceLines} trace lines in ${(summary.recordedMs / 1000).toFixed(1)} s`,
  ];
  if (summary.livenessReason !== null) lines.push(`Not finished: ${summary.livenessReason}`);
  if (violations.length > 0) lines.push("Violations:");
  for (const violation of violations.slice(0, 10)) lines.push(`  [${violation.category}] invariant ${violation.protocolNumber} ${violation.invariant} (${violation.kind}): ${violation.message}`);
  if (violations.length > 10) lines.push(`  … and ${violations.length - 10} more`);
  lines.push(`Trace: ${where.tracePath}`, `Summary: ${where.summaryPath}`, `Replay: ${summary.repro}`, `HTML report: npm run report -- ${where.directory} --open`);
  return `${lines.join("\n")}\n`;
}

/** `results/record/<date>T<time>Z` (UTC, seconds), a new folder per recording. */
function newRecordDirectory(cwd: string, nowMs: number): string {
  const stamp = new Date(nowMs).toISOString().replace(/[:]/g, "").replace(/\.\d+Z$/, "Z");
  let directory = resolve(cwd, RECORD_DEFAULTS.outRoot, stamp);
  for (let suffix = 2; existsSync(directory); suffix += 1) directory = resolve(cwd, RECORD_DEFAULTS.outRoot, `${stamp}-${suffix}`);
  return directory;
}

function processIo(): RecordIo {
  return { stdout: (text) => void process.stdout.write(text), stderr: (text) => void process.stderr.write(text), cwd: process.cwd() };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`record: crashed: ${(error as Error)?.stack ?? String(error)}\n`);
      process.exitCode = 4;
    },
  );
}

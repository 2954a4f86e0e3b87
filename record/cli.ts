/**
 * `npm run record -- --target ws://… (--secret S | --token T) [options]`: drives a few
 * agent runs against any server that speaks docs/protocol.md (optionally dropping and
 * resuming every N ms), records what each client saw as a trace (protocol/trace.ts),
 * judges it with the shared checker and writes the simulator's layout
 * (`<out>/trace.jsonl` + `<out>/summary.json`, marked `source: "live"`), so
 * `npm run sim -- --replay` re-checks it and `npm run report` draws it. See docs/record.md.
 *
 * Exit codes (protocol/exitCodes.ts, the simulator's numbers): 0 pass · 1 safety violation · 2 bad usage, an
 * unreachable target or a refused token · 3 liveness (a violation, or runs that did not
 * complete before --timeout-ms).
 */
import { createHash } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { checkResult, simSummarySchema } from "../protocol/resultSchemas.ts";
import { newRunDirectory } from "../load/newRunDirectory.ts";
import { probeTarget } from "../load/probeTarget.ts";
import { EXIT_CODES } from "../protocol/exitCodes.ts";
import { createRealClock } from "../server/adapters/realClock.ts";
import { createRealScheduler } from "../server/adapters/realScheduler.ts";
import { jwtSecretKey } from "../server/auth/jwtSecretKey.ts";
import { signAccessToken } from "../server/auth/signAccessToken.ts";
import { formatRecording } from "./formatRecording.ts";
import { liveSummary } from "./liveSummary.ts";
import { parseRecordArguments, RECORD_DEFAULTS, RecordUsageError, type RecordCommand } from "./parseRecordArguments.ts";
import { recordLive } from "./recordLive.ts";


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

/** Where the command writes and what it may read. */
export interface RecordIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  cwd: string;
}

/** The real world's time: the wall clock the server stamps `ts` with, and real timers. */
const CLOCK = createRealClock();

/** Runs the command; resolves with the exit code. */
export async function main(argv: readonly string[], io: RecordIo = processIo()): Promise<number> {
  try {
    // Read once: the default user, the token's issue time, request ids and the folder name share it.
    const startedAtMs = CLOCK.nowMs();
    const command = parseRecordArguments(argv, { nowMs: startedAtMs });
    if (command === "help") {
      io.stdout(`${USAGE}\n`);
      return 0;
    }
    return await record(command, { io, startedAtMs });
  } catch (error) {
    if (!(error instanceof RecordUsageError)) throw error;
    io.stderr(`record: ${error.message}\n`);
    return EXIT_CODES.usage;
  }
}

async function record(command: RecordCommand, options: { io: RecordIo; startedAtMs: number }): Promise<number> {
  const { io, startedAtMs } = options;
  const problem = await probeTarget(command.target, command.credentials);
  if (problem !== undefined) throw new RecordUsageError(problem);
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
  }, { clock: CLOCK, scheduler: createRealScheduler() });
  const directory = resolve(io.cwd, command.out ?? newRunDirectory(RECORD_DEFAULTS.outRoot, { cwd: io.cwd, nowMs: startedAtMs }));
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
  writeFileSync(summaryPath, `${JSON.stringify(checkResult(simSummarySchema, summary, summaryPath), null, 2)}\n`);
  if (command.json) io.stdout(`${JSON.stringify(summary, null, 2)}\n`);
  else io.stdout(formatRecording(recording, { summary, tracePath: shown(tracePath), summaryPath: shown(summaryPath), directory: shown(directory) }));
  return EXIT_CODES[summary.outcome];
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
      process.exitCode = EXIT_CODES.crash;
    },
  );
}

/**
 * `npm run record` against real servers on loopback (real sockets): our server passes,
 * drops and resumes included; servers with a planted bug (the bug zoo's broken parts
 * injected into createServer, as test/load/scriptsBrokenServers.test.ts does) give a
 * failing recording whose trace `npm run sim -- --replay` (the real CLI, in a child
 * process) re-checks to the same outcome and the same violation classes, and whose
 * result directory the report reads as a live recording with swimlanes. Bad usage, a
 * dead port and a refused token are one line and exit 2.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { violationClassOf } from "../../protocol/checker/violationCountsByClass.ts";
import type { Violation } from "../../protocol/checker/Violation.ts";
import { buildReport } from "../../report/buildReport.ts";
import { main } from "../../record/cli.ts";
import { main as simMain } from "../../sim/cli.ts";
import { runCliInProcess } from "../cliKit/runCliInProcess.ts";
import { EXIT_CODES } from "../../protocol/exitCodes.ts";
import { simSummarySchema } from "../../protocol/resultSchemas.ts";
import { jwtSecretKey } from "../../server/auth/jwtSecretKey.ts";
import { signAccessToken } from "../../server/auth/signAccessToken.ts";
import { createServer } from "../../server/createServer.ts";
import { RECORD_TEST_SECRET, recordAgainst } from "./recordTestKit.ts";

const scratch = mkdtempSync(join(tmpdir(), "record-"));
const secret = RECORD_TEST_SECRET;

/** `npm run sim -- --replay <trace> --json`: the sim CLI's `main`, in this process (test/sim/simCli runs it as a process too). */
async function replay(tracePath: string): Promise<{ exitCode: number; outcome: string; safety: Violation[]; liveness: Violation[]; recordedFrom?: { target: string } }> {
  const result = await runCliInProcess(simMain, ["--replay", tracePath, "--json"]);
  return { exitCode: result.code, ...(JSON.parse(result.stdout) as { outcome: string; safety: Violation[]; liveness: Violation[] }) };
}

function classesOf(violations: readonly Violation[]): string[] {
  return [...new Set(violations.map((violation) => violationClassOf(violation) ?? violation.invariant))].sort();
}

// Each recording runs at the server's real pace (tools take 400–500 ms) on its own server,
// port and folder, so the recordings of a describe run side by side: the file waits once.
describe.concurrent("npm run record against our server", () => {
  test("passes with drops and resumes, writes the simulator's layout marked live, and the replay passes too", async () => {
    const recorded = await recordAgainst(join(scratch, "control"), { flags: ["--runs", "3", "--drop-every-ms", "150", "--drop-pause-ms", "300", "--user", "u1", "--user", "u2"] });

    expect(recorded.exitCode, recorded.output + recorded.errors).toBe(EXIT_CODES.pass);
    expect(recorded.summary).toMatchObject({ kind: "sim", source: "live", target: recorded.target, seed: null, outcome: "pass" });
    expect(recorded.summary.totals).toMatchObject({ runsRequested: 6, runsCompleted: 6 });
    // The results schema the writer checks and the report reads with (protocol/resultSchemas.ts).
    expect(simSummarySchema.safeParse(recorded.summary).success).toBe(true);
    expect(recorded.summary.totals["resumes"]).toBeGreaterThan(0);
    expect(recorded.output).toContain("Status: PASSED");
    expect(recorded.output).toContain(`Replay: npm run sim -- --replay ${join(recorded.directory, "trace.jsonl")}`);
    const replayed = await replay(join(recorded.directory, "trace.jsonl"));
    expect(replayed).toMatchObject({ exitCode: 0, outcome: "pass", recordedFrom: { target: recorded.target } });
    // The trace's wall clock is the server's ts clock: the report measures live delivery latency from it.
    const data = await buildReport([recorded.directory], { command: "npm run report -- test", generatedAt: "2026-01-01T00:00:00.000Z" });
    const latency = data.columns[0]?.sims[0]?.trace?.latency;
    expect(latency?.count).toBeGreaterThan(0);
    expect(latency?.p50).toBeGreaterThanOrEqual(0);
    expect(data.columns[0]?.sims[0]?.trace?.users.map((user) => user.userId)).toEqual(["u1", "u2"]);
  });

  test("--token: the token's sub is the user", async () => {
    const token = await signAccessToken("token-user", { secretKey: jwtSecretKey(secret), nowMs: Date.now(), ttlSeconds: 600 });
    const directory = join(scratch, "token");
    const recorded = await recordAgainst(directory, { credentials: ["--token", token], flags: ["--runs", "1", "--scenario", "quick", "--json"] });
    expect(recorded.exitCode, recorded.output + recorded.errors).toBe(EXIT_CODES.pass);
    const summary = JSON.parse(recorded.output) as { users: string[]; scenario: string; totals: Record<string, number> };
    expect(summary).toMatchObject({ users: ["token-user"], scenario: "quick", totals: { runsCompleted: 1 } });
    expect(readFileSync(join(directory, "trace.jsonl"), "utf8")).toContain('"scenario":"quick"');
  });
});

describe.concurrent("npm run record against servers with a planted bug", () => {
  const cases = [
    { bug: "duplicate-on-resume", expectedClass: "duplicate", flags: ["--runs", "3", "--drop-every-ms", "300", "--drop-pause-ms", "150"] },
    // The replay swaps the first two missed events: a pause must miss two or more. The
    // golden-path script's events are at most 500 ms apart, so almost every 700 ms pause
    // does (400 ms missed two in none of 9 pauses on a busy machine).
    { bug: "reorder-on-replay", expectedClass: "order", flags: ["--runs", "3", "--drop-every-ms", "150", "--drop-pause-ms", "700"] },
    // The replay skips tool_completed: a drop must fall while a tool runs (tools take 400–500 ms).
    { bug: "lost-tool-completed-on-drop", expectedClass: "gap", flags: ["--runs", "4", "--drop-every-ms", "150", "--drop-pause-ms", "300"] },
    // Two users, so one can receive the other's events; no drops needed.
    { bug: "cross-user-leak", expectedClass: "isolation", flags: ["--runs", "2", "--user", "u1", "--user", "u2"] },
    // A bug planted in the runtime's publish port (wrapPublish), not in the manager.
    { bug: "late-agent-started", expectedClass: "order", flags: ["--runs", "2"] },
  ];

  test.each(cases)("$bug: a failing trace whose replay gives the same verdict ($expectedClass), drawn by the report as a live recording", async ({ bug, expectedClass, flags }) => {
    const recorded = await recordAgainst(join(scratch, bug), { bug, flags });

    expect(recorded.exitCode, recorded.output + recorded.errors).toBe(EXIT_CODES.safety);
    expect(recorded.output).toContain("Status: FAILED (safety violation)");
    const recordedClasses = classesOf([...recorded.summary.verdict.safety, ...recorded.summary.verdict.liveness]);
    expect(recordedClasses).toContain(expectedClass);

    const replayed = await replay(join(recorded.directory, "trace.jsonl"));
    expect(replayed.exitCode).toBe(1);
    expect(replayed.outcome).toBe(recorded.summary.outcome);
    expect(classesOf([...replayed.safety, ...replayed.liveness])).toEqual(recordedClasses);
    expect(replayed.safety.length).toBe(recorded.summary.verdict.safety.length);

    const data = await buildReport([recorded.directory], { command: "npm run report -- test", generatedAt: "2026-01-01T00:00:00.000Z" });
    const column = data.columns[0];
    const view = column?.sims[0];
    expect(column?.problems).toEqual([]);
    expect(column?.verdict.ok).toBe(false);
    expect(column?.verdict.judged).toBe("1 live recording");
    expect(column?.verdict.reasons[0]).toMatch(new RegExp(`^live ${recorded.target} · default: safety violation`));
    expect(view).toMatchObject({ source: "live", target: recorded.target, seed: null, outcome: "safety" });
    // Drawn from the recording's start like a simulator run: lanes per connection, violations on them.
    const lanes = view?.trace?.users.flatMap((user) => user.lanes) ?? [];
    expect(lanes.length).toBe((recorded.summary.totals["resumes"] ?? 0) + recorded.summary.users.length); // one first connection per user, one per resume
    expect(Math.min(...lanes.map((lane) => lane.openMs))).toBe(0);
    const duration = view?.trace?.durationMs ?? 0;
    for (const violation of view?.verdict?.violations ?? []) {
      // Each violation is drawn on its connection's lane: a red ring on the event it names, or a violation mark.
      const lane = lanes.find((candidate) => candidate.connectionId === violation.connectionId);
      const ringed = lane?.marks.some((mark) => mark.flagged && mark.seq !== null && violation.seqs.includes(mark.seq)) ?? false;
      const marked = lane?.annotations.some((annotation) => annotation.kind === "violation" && annotation.label === violation.invariant) ?? false;
      expect(ringed || marked, violation.message).toBe(true);
      expect(violation.atMs).not.toBeNull();
      expect(violation.atMs as number).toBeGreaterThanOrEqual(0);
      expect(violation.atMs as number).toBeLessThanOrEqual(duration);
    }
    expect(view?.verdict?.violations[0]?.repro).toBe(recorded.summary.repro);
  });
});

describe("npm run record: bad usage and unreachable servers are one line, exit 2", () => {
  const io = () => {
    const errors: string[] = [];
    return { errors, io: { stdout: () => undefined, stderr: (text: string) => void errors.push(text), cwd: scratch } };
  };

  test.each([
    { argv: ["--secret", "s"], says: "--target is required" },
    { argv: ["--target", "http://127.0.0.1:1/ws", "--secret", "s"], says: "ws:// or wss://" },
    { argv: ["--target", "ws://127.0.0.1:1/ws"], says: "exactly one of --secret" },
    { argv: ["--target", "ws://127.0.0.1:1/ws", "--secret", "s", "--token", "t"], says: "exactly one of --secret" },
    { argv: ["--target", "ws://127.0.0.1:1/ws", "--token", "not-a-jwt"], says: "--token is not a JWT" },
    { argv: ["--target", "ws://127.0.0.1:1/ws", "--secret", "s", "--runs", "0"], says: "--runs must be an integer from 1" },
    { argv: ["--target", "ws://127.0.0.1:1/ws", "--secret", "s", "--bogus"], says: "--bogus" },
  ])("$argv → $says", async ({ argv, says }) => {
    const { errors, io: recordIo } = io();
    expect(await main(argv, recordIo)).toBe(EXIT_CODES.usage);
    expect(errors.join("")).toContain(says);
    expect(errors.join("").trim().split("\n")).toHaveLength(1);
  });

  test("a port where nothing listens", async () => {
    const closed = createServer({ jwtSecret: secret });
    const { webSocketUrl } = await closed.listen({ host: "127.0.0.1", port: 0 });
    await closed.close();
    const { errors, io: recordIo } = io();

    expect(await main(["--target", webSocketUrl, "--secret", secret], recordIo)).toBe(EXIT_CODES.usage);
    expect(errors.join("")).toMatch(/^record: cannot connect to .*ECONNREFUSED.*nothing listens there/);
  });

  test("a server that refuses the token (401)", async () => {
    const live = createServer({ jwtSecret: secret });
    const { webSocketUrl } = await live.listen({ host: "127.0.0.1", port: 0 });
    const { errors, io: recordIo } = io();
    try {
      expect(await main(["--target", webSocketUrl, "--secret", "not-the-servers-secret-0123456789"], recordIo)).toBe(EXIT_CODES.usage);
    } finally {
      await live.close();
    }
    expect(errors.join("")).toContain("refused the WebSocket upgrade with HTTP 401: the server refused the token");
  });
});

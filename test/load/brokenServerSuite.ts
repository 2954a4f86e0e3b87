/**
 * The golden-path k6 script, unchanged, run with `npm run load -- golden-path
 * --target <url>` against real servers with one planted bug each (the bug zoo's
 * broken parts injected into createServer), must FAIL (exit 99) with the violation
 * metric of that bug class crossed; and against the same server without a bug it
 * must pass. `DROP_RESUME=1` makes every session drop and resume once mid-run, so
 * the resume-path bugs are exercised.
 *
 * Performance thresholds are relaxed here (this file shares two cores with the rest
 * of the suite); the correctness thresholds (violations_*, checks) are the real ones.
 *
 * `npm test` runs the control and one planted bug on the Node runner
 * (scriptsBrokenServers.test.ts); `npm run test:deep` runs every case on the Node runner
 * (scriptsBrokenServersNode.deep.test.ts) and on real k6
 * (scriptsBrokenServersRealK6.deep.test.ts) when a k6 is found (`K6` or `k6` on PATH:
 * `.ci/run` puts ../shared/k6 there).
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";
import { findK6, main } from "../../load/cli.ts";
import { checkTrace } from "../../protocol/checker/checkTrace.ts";
import { VU_CHECKER_OPTIONS } from "../../protocol/checker/CheckerOptions.ts";
import { createLazyChecker } from "../../protocol/checker/createLazyChecker.ts";
import { violationClassOf } from "../../protocol/checker/violationCountsByClass.ts";
import { EXIT_CODES } from "../../load/runner/exitCodes.ts";
import type { ManagerLimits } from "../../server/manager/managerLimits.ts";
import { createServer } from "../../server/createServer.ts";
import { findPlantedBug } from "../../sim/bugZoo/bugZoo.ts";

const repositoryRoot = fileURLToPath(new URL("../../", import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), "k6-broken-servers-"));
const secret = "broken-server-secret-0123456789abcdef";

/** Knobs that keep each run short and the performance gates out of the way. */
const RUN_ENV = [
  "DROP_RESUME=1",
  "SCENARIOS=quick",
  "RUNS_PER_SESSION=12",
  "EVENTS_PER_SECOND_MIN=1",
  "LATENCY_P95_MS=5000",
  "LATENCY_P99_MS=10000",
  "START_LATENCY_P95_MS=5000",
  "GENERATOR_LAG_P99_MS=5000",
];

/** A real k6 if one is found (`K6`, or `k6` on PATH): the deep suite runs the cases on it. */
export const realK6 = findK6(process.env);

interface SummaryFile {
  metrics: Record<string, { values: Record<string, number>; thresholds?: Record<string, { ok: boolean }> }>;
}

async function runGoldenPathAgainst(name: string, server: { engine: "node" | "k6"; bug?: string; limits?: Partial<ManagerLimits>; env?: string[] }) {
  const bug = server.bug === undefined ? undefined : findPlantedBug(server.bug);
  if (server.bug !== undefined && bug === undefined) throw new Error(`no planted bug ${server.bug}`);
  const broken = createServer({
    jwtSecret: secret,
    ...(bug?.parts === undefined ? {} : { managerParts: bug.parts }),
    ...(bug?.wrapPublish === undefined ? {} : { wrapPublish: bug.wrapPublish }),
    ...(server.limits === undefined ? {} : { limits: server.limits }),
  });
  const { webSocketUrl } = await broken.listen({ host: "127.0.0.1", port: 0 });
  const output: string[] = [];
  const outDirectory = join(scratch, `${name}-${server.engine}`);
  try {
    const exitCode = await main(
      [
        "golden-path",
        "--engine",
        server.engine,
        "--target",
        webSocketUrl,
        "--secret",
        secret,
        "--vus",
        "4",
        "--iterations",
        "4",
        "--out",
        outDirectory,
        ...[...RUN_ENV, ...(server.env ?? [])].flatMap((pair) => ["-e", pair]),
      ],
      { stdout: (text) => void output.push(text), stderr: (text) => void output.push(text), env: { ...process.env, CI: "true" }, cwd: repositoryRoot },
    );
    const summary = JSON.parse(await readFile(join(outDirectory, "golden-path-summary.json"), "utf8")) as SummaryFile;
    const crossed = Object.entries(summary.metrics)
      .filter(([, metric]) => Object.values(metric.thresholds ?? {}).some((verdict) => !verdict.ok))
      .map(([metricName]) => metricName)
      .sort();
    const tracesDirectory = join(outDirectory, "traces");
    const traces = existsSync(tracesDirectory) ? readdirSync(tracesDirectory).map((name) => join(tracesDirectory, name, "trace.jsonl")) : [];
    return { exitCode, summary, crossed, output: output.join(""), traces };
  } finally {
    await broken.close();
  }
}

/** Which cases run: every one, or the contributor's loop's pair (the control and `duplicate-on-resume`). */
export type BrokenServerCases = "all" | "quick";

/** The cases of the module comment on `engine`. */
export function brokenServerSuite(engine: "node" | "k6", which: BrokenServerCases = "all"): void {
describe(`golden-path against deliberately broken servers (engine: ${engine}, ${which})`, () => {
  test("the same server without a planted bug passes, drops and resumes included", async () => {
    const run = await runGoldenPathAgainst("control", { engine });

    expect(run.exitCode, run.output).toBe(EXIT_CODES.ok);
    expect(run.crossed).toEqual([]);
    expect(run.traces).toEqual([]); // nothing flagged, nothing recorded
    expect(run.summary.metrics["resumes"]?.values["count"]).toBeGreaterThanOrEqual(4);
    expect(run.summary.metrics["events_replayed"]?.values["count"]).toBeGreaterThan(0);
  });

  if (which === "all") {
    test("a correct server whose replay buffer overflows announces the loss (resync_required) and passes", async () => {
      const run = await runGoldenPathAgainst("control-overflow", { engine, limits: { replayEventsMax: 4 }, env: ["SESSION_TIMEOUT_MS=4000"] });

      expect(run.exitCode, run.output).toBe(EXIT_CODES.ok);
      expect(run.summary.metrics["resyncs"]?.values["count"]).toBeGreaterThan(0);
    });
  }

  // The checker's class for each bug (protocol/checker/violationCountsByClass.ts): an
  // event the client never got, with later ones arriving, is a seq jump it saw: `gap`.
  const allCases: { behaviour: string; bug: string; metric: string; limits?: Partial<ManagerLimits>; env?: string[] }[] = [
    { behaviour: "duplicates on resume", bug: "duplicate-on-resume", metric: "violations_duplicate" },
    { behaviour: "reorders on replay", bug: "reorder-on-replay", metric: "violations_order" },
    { behaviour: "leaks events across users", bug: "cross-user-leak", metric: "violations_isolation" },
    { behaviour: "loses a tool_completed on replay", bug: "lost-tool-completed-on-drop", metric: "violations_gap" },
    {
      behaviour: "leaves a silent gap after its replay buffer overflowed",
      bug: "silent-gap-on-overflow",
      metric: "violations_gap",
      limits: { replayEventsMax: 4 },
      // Runs whose completion fell in the gap never complete for the client: do not wait long for them.
      env: ["SESSION_TIMEOUT_MS=4000"],
    },
    { behaviour: "starts late (agent_started after another event of the run)", bug: "late-agent-started", metric: "violations_order" },
    { behaviour: "sends a tool before thinking", bug: "tool-before-thinking", metric: "violations_order" },
    { behaviour: "sends an event after agent_completed", bug: "event-after-completed", metric: "violations_order" },
  ];
  const cases = which === "all" ? allCases : allCases.filter((entry) => entry.bug === "duplicate-on-resume");

  const checkCase = async ({ bug, metric, limits, env }: (typeof cases)[number]) => {
    const run = await runGoldenPathAgainst(bug, { engine, bug, ...(limits === undefined ? {} : { limits }), ...(env === undefined ? {} : { env }) });

    expect(run.exitCode, run.output).toBe(EXIT_CODES.thresholdsFailed);
    expect(run.crossed).toContain(metric);
    expect(run.summary.metrics[metric]?.values["count"]).toBeGreaterThan(0);
    expect(run.summary.metrics[metric]?.thresholds).toEqual({ "count==0": { ok: false } });
    expect(run.output).toContain(`${metric}: count==0`); // the text summary names it
    expect(run.output).toMatch(/violation \[\w+\]/); // and the violations were logged
    // The flagged sessions were recorded, and each replays to a violation; one of them to this class.
    expect(run.traces.length, run.output).toBeGreaterThan(0);
    expect(run.output).toContain("replay one: npm run sim -- --replay");
    const replayed = run.traces.map((path) => checkTrace(readFileSync(path, "utf8"), { requireRunsComplete: false }));
    for (const verdict of replayed) expect(verdict.traceProblems).toEqual([]);
    // Recorded sessions re-checked the VU's way (the lazy checker) and the full checker's way, same options: the same verdict.
    for (const path of run.traces) {
      const text = readFileSync(path, "utf8");
      expect(checkTrace(text, { ...VU_CHECKER_OPTIONS, makeChecker: createLazyChecker })).toEqual(checkTrace(text, VU_CHECKER_OPTIONS));
    }
    // Beside each trace, a summary in the simulator's layout marks it live, so the report draws it.
    for (const path of run.traces) {
      const summary = JSON.parse(readFileSync(join(dirname(path), "summary.json"), "utf8")) as { kind: string; source: string; target: string; seed: null; outcome: string };
      expect(summary).toMatchObject({ kind: "sim", source: "live", seed: null });
      expect(summary.target).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/ws$/);
      expect(summary.outcome).not.toBe("pass");
    }
    const classes = new Set(replayed.flatMap((verdict) => [...verdict.safety, ...verdict.liveness].map((violation) => `violations_${violationClassOf(violation)}`)));
    expect([...classes]).toContain(metric);
  };
  // On the Node runner the planted-bug cases run side by side (each has its own server,
  // port and output folder, and a run mostly waits on the server's real pace): the file
  // waits about as long as its slowest few cases. A case with a session budget (`env`)
  // runs alone, as the two controls above do: under a busy CPU its 4 s can run out before
  // the bug shows. Real k6 runs every case alone.
  const sideBySide = engine === "node" ? cases.filter((entry) => entry.env === undefined) : [];
  const oneAtATime = cases.filter((entry) => !sideBySide.includes(entry));
  test.each(oneAtATime)("a server that $behaviour fails with $metric ($bug)", checkCase);
  if (sideBySide.length > 0) test.concurrent.each(sideBySide)("a server that $behaviour fails with $metric ($bug)", checkCase);
});
}

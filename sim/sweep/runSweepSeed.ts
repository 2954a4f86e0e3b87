/**
 * One seed of a sweep, as the main thread (`--jobs 1`) or a worker thread runs it: the
 * simulation, optionally a second run to compare trace hashes, and for a failing seed its
 * trace, the trace's hash and the first problem in one line. Pure apart from the simulation
 * itself, so any thread gives the same answer for the same seed.
 */
import { createHash } from "node:crypto";
import type { PlantedBug } from "../bugZoo/PlantedBug.ts";
import { runSimulation, type SimOutcome, type SimulationResult } from "../runSimulation.ts";
import type { Scenario } from "../scenario/scenarioSchema.ts";
import { describeMissedTiming } from "../settle/judgeRequiredTiming.ts";

/** How a sweep seed ended: a run's outcome, or two runs of it that gave different traces. */
export type SweepSeedOutcome = SimOutcome | "nondeterminism";

/** Options of {@link runSweepSeed}. */
export interface RunSweepSeedOptions {
  plant?: PlantedBug;
  /** Run the seed a second time and compare the trace hashes. */
  checkDeterminism: boolean;
}

/** What one sweep seed gives back (plain data: it crosses from a worker thread by structured clone). */
export interface SweepSeedResult {
  seed: number;
  outcome: SweepSeedOutcome;
  /** Virtual time the run covered, ms. */
  simTimeMs: number;
  /** For a failing seed: its result, its first problem in one line, its trace and the trace's sha256; null when it passed. */
  failure: { result: SimulationResult; first: string; traceLines: string[]; traceSha256: string } | null;
}

/**
 * Runs `seed` of `scenario` once (twice with `checkDeterminism`); see the module comment.
 *
 * A passing seed's trace is wanted only to compare two runs (`checkDeterminism`): without
 * it the seed runs with no trace sink at all, so no line is serialized and nothing is
 * hashed (a fifth of a seed's CPU, and most of its garbage: that GC ran on V8's background
 * threads, the very cores a `--jobs` sweep runs on). Nor are lines kept on a first run:
 * a failing seed runs again with its lines kept (deterministic: the same outcome and the
 * same first problem, or it is reported as nondeterminism; with `checkDeterminism`, the
 * same trace hash).
 */
export function runSweepSeed(scenario: Scenario, seed: number, options: RunSweepSeedOptions): SweepSeedResult {
  const plant = options.plant === undefined ? {} : { plant: options.plant };
  let firstRun: { result: SimulationResult; traceSha256: string | null };
  let outcome: SweepSeedOutcome;
  if (options.checkDeterminism) {
    firstRun = runHashed(scenario, seed, { ...plant, keepLines: false });
    outcome = runHashed(scenario, seed, { ...plant, keepLines: false }).traceSha256 === firstRun.traceSha256 ? firstRun.result.outcome : "nondeterminism";
  } else {
    firstRun = { result: runSimulation(scenario, { seed, ...plant }), traceSha256: null };
    outcome = firstRun.result.outcome;
  }
  const simTimeMs = firstRun.result.simTimeMs;
  if (outcome === "pass") return { seed, outcome, simTimeMs, failure: null };
  const kept = runHashed(scenario, seed, { ...plant, keepLines: true });
  const first = firstProblem(firstRun.result, outcome);
  const reproduced = firstRun.traceSha256 === null ? kept.result.outcome === firstRun.result.outcome && firstProblem(kept.result, outcome) === first : kept.traceSha256 === firstRun.traceSha256;
  if (!reproduced) outcome = "nondeterminism";
  return { seed, outcome, simTimeMs, failure: { result: firstRun.result, first, traceLines: kept.lines, traceSha256: kept.traceSha256 } };
}

/** Trace text hashed per native call (see {@link runHashed}). */
const HASH_CHUNK_CHARS = 64 * 1024;

/** One run of `seed`: its result, the sha256 of its trace (lines joined with "\n", each ended), and the lines when `keepLines`. */
export function runHashed(scenario: Scenario, seed: number, options: { plant?: PlantedBug; keepLines: boolean }): { result: SimulationResult; lines: string[]; traceSha256: string } {
  const hash = createHash("sha256");
  const lines: string[] = [];
  // Lines reach the hash in chunks of about HASH_CHUNK_CHARS: one update per line (two
  // crossings into native code) was 5 % of a sweep's CPU. The digest is the same.
  let pending = "";
  const result = runSimulation(scenario, {
    seed,
    ...(options.plant === undefined ? {} : { plant: options.plant }),
    onTraceLine: (line) => {
      pending += `${line}\n`;
      if (pending.length >= HASH_CHUNK_CHARS) {
        hash.update(pending);
        pending = "";
      }
      if (options.keepLines) lines.push(line);
    },
  });
  hash.update(pending);
  return { result, lines, traceSha256: hash.digest("hex") };
}

/** The first thing that went wrong, in one line: the crash, the first violation, why liveness failed, or the first missed budget. */
function firstProblem(result: SimulationResult, outcome: SweepSeedOutcome): string {
  const violation = result.verdict?.safety[0] ?? result.verdict?.liveness[0];
  const missed = result.requiredTiming?.failed[0];
  const timingLine = missed === undefined ? undefined : describeMissedTiming(missed);
  const unfaithful = result.scriptFidelity?.[0];
  const early = result.earlyEvictions[0];
  const misreport = result.selfReport[0];
  const selfReportLine = misreport === undefined ? undefined : `self-report (${misreport.rule}): ${misreport.message}`;
  const fidelityLine = unfaithful === undefined ? (early === undefined ? selfReportLine : `early eviction: ${early.message}`) : `script fidelity: ${unfaithful.message}`;
  return (
    result.crash?.split("\n")[0] ??
    (violation === undefined ? (fidelityLine ?? result.livenessReason ?? timingLine ?? outcome) : `${violation.invariant} (${violation.kind}): ${violation.message}`)
  );
}

/**
 * Interleavings at the manager's async boundaries (fc.scheduler; see
 * interleavings/createScheduledWorld.ts): fast-check orders publishes, socket frames,
 * closes, upgrades and restarts, and the shared checker judges every frame the clients
 * received (invariants 1-7), then completeness once everything settled (8). Four races:
 *
 * - `race-concurrent-starts`: two tabs of one user send start_agent at once, one request id twice;
 * - `race-resume-vs-emit`: a device reconnects at once while its run emits (accept races publish);
 * - `race-close-vs-send`: a device closes while the server is sending, and resumes later;
 * - `race-restart-mid-replay`: a device resumes into a long replay while the gateway restarts
 *   (gracefully, 1001, or by crashing: frames in flight lost, 1006).
 */
import fc from "fast-check";
import type { AgentScriptInput } from "../../server/runtime/agentScript.ts";
import type { PropertyDefinition } from "../harness/PropertyDefinition.ts";
import { describeViolations, joinFailures } from "../harness/violationsFailure.ts";
import { createScheduledWorld, type ScheduledWorld, type ScheduledWorldOptions } from "../interleavings/createScheduledWorld.ts";

/** A case of a race: the scheduler (fast-check's choices) and the race's own parameters. */
export interface RaceCase<P> {
  scheduler: fc.Scheduler;
  parameters: P;
}

/** Virtual time a case may take to settle after its race, ms (a run plus reconnects, with margin). */
const SETTLE_MS = 20_000;

/** A chatty run: many events close together, so replays are long and publishes race everything. */
const CHATTY_SCRIPT: AgentScriptInput = {
  name: "race-chatty",
  agentType: "race",
  steps: [
    { kind: "think", content: "Planning.", durationMs: 20 },
    { kind: "tool", name: "lookup", args: { key: "k" }, durationMs: 60, result: "found" },
    { kind: "partial", content: "Part 1.", delayMs: 10 },
    { kind: "partial", content: "Part 2.", delayMs: 10 },
    { kind: "partial", content: "Part 3.", delayMs: 10 },
    { kind: "tool", name: "analyze_logs", args: { window: "1h" }, durationMs: 40, result: "3 warnings" },
    { kind: "partial", content: "Part 4.", delayMs: 10 },
    { kind: "think", content: "Wrapping up.", durationMs: 20 },
  ],
  finalResponse: "Done.",
};

interface RaceSpec<P> {
  name: string;
  guards: string;
  catches: readonly string[];
  parameters: fc.Arbitrary<P>;
  world: (parameters: P) => Omit<ScheduledWorldOptions, "plant" | "seed">;
  /** Sets the race up (connects, requests, timers that trigger it). */
  race(world: ScheduledWorld, parameters: P): void;
  /** Extra checks after settling, beside the checker's verdict and catch-up. */
  judge?(world: ScheduledWorld, parameters: P): string | undefined;
}

function defineRaceProperty<P>(spec: RaceSpec<P>): PropertyDefinition<RaceCase<P>> {
  return {
    name: spec.name,
    guards: spec.guards,
    invariants: [1, 2, 3, 4, 5, 6, 7, 8],
    defaultRuns: 150,
    catches: spec.catches,
    exercisedShareMin: 0,
    arbitrary: () => fc.record({ scheduler: fc.scheduler(), parameters: spec.parameters }),
    async check(value, context) {
      const world = createScheduledWorld(value.scheduler, { seed: 1, ...spec.world(value.parameters), ...(context.plant === undefined ? {} : { plant: context.plant }) });
      spec.race(world, value.parameters);
      await world.settle({ forMs: SETTLE_MS });
      const verdict = world.checker.finish({ atMs: world.time.nowMs(), requireRunsComplete: true, emitted: world.emitted });
      const behind = world.devicesBehind();
      return {
        failure: joinFailures([
          world.crashes.length === 0 ? undefined : `the system under test threw inside a scheduled task: ${world.crashes[0]}`,
          describeViolations(verdict.safety, "safety invariants"),
          describeViolations(verdict.liveness, "liveness"),
          behind.length === 0 ? undefined : `not caught up ${SETTLE_MS} ms after the race: ${behind.join("; ")}`,
          spec.judge?.(world, value.parameters),
        ]),
        exercised: true,
      };
    },
    counterexample(value, context) {
      const plantPart = context.plant === undefined ? "" : `.${context.plant.name}`;
      const schedule = String(value.scheduler);
      return {
        file: `${context.directory}/${spec.name}${plantPart}-${context.fastCheck.seed}.json`,
        content: { kind: "interleaving-counterexample", race: spec.name, plant: context.plant?.name ?? null, parameters: value.parameters, schedule, failure: context.failure, fastCheck: context.fastCheck },
        replay: [],
        summary: `parameters ${JSON.stringify(value.parameters)}; ${schedule.split("\n").length} scheduler line(s)`,
      };
    },
  };
}

/** Two tabs of one user start runs at once; one request id is sent by both (it must start one run). */
export const concurrentStartsProperty = defineRaceProperty({
  name: "race-concurrent-starts",
  guards: "start_agent idempotency and invariants 1-8 when two devices of one user start runs concurrently",
  catches: ["late-agent-started", "event-after-completed"],
  parameters: fc.constant(null),
  world: () => ({ devicesPerUser: [2], script: CHATTY_SCRIPT, reconnectDelayMs: 10 }),
  race(world) {
    world.device("u1-d1").connect();
    world.device("u1-d2").connect();
    world.requestRun("u1-d1", "q-same");
    world.requestRun("u1-d2", "q-same");
    world.requestRun("u1-d2", "q-other");
  },
  judge(world) {
    const started = world.runtime.stats().runsStarted;
    return started === 2 ? undefined : `${started} run(s) started for request ids q-same (twice) and q-other; expected 2`;
  },
});

/** A device reconnects at once, mid-run: its resume (accept) races the run's publishes. */
export const resumeVersusEmitProperty = defineRaceProperty({
  name: "race-resume-vs-emit",
  guards: "invariants 7-8 when a resume's accept races live publishes",
  catches: ["duplicate-on-resume", "reorder-on-replay", "lost-tool-completed-on-drop"],
  parameters: fc.record({ reconnectAtMs: fc.integer({ min: 0, max: 300 }) }),
  world: () => ({ devicesPerUser: [1], script: CHATTY_SCRIPT, reconnectDelayMs: 0 }),
  race(world, { reconnectAtMs }) {
    world.device("u1-d1").connect();
    world.requestRun("u1-d1", "q-1");
    world.time.after(reconnectAtMs, () => world.device("u1-d1").reconnect(0));
  },
});

/** A device closes while the server is sending, then resumes a little later. */
export const closeVersusSendProperty = defineRaceProperty({
  name: "race-close-vs-send",
  guards: "invariants 7-8 when a client's close races the server's sends",
  catches: ["duplicate-on-resume", "lost-tool-completed-on-drop"],
  parameters: fc.record({ closeAtMs: fc.integer({ min: 0, max: 300 }), awayMs: fc.integer({ min: 1, max: 150 }) }),
  world: () => ({ devicesPerUser: [2], script: CHATTY_SCRIPT, reconnectDelayMs: 10 }),
  race(world, { closeAtMs, awayMs }) {
    world.device("u1-d1").connect();
    world.device("u1-d2").connect();
    world.requestRun("u1-d1", "q-1");
    world.time.after(closeAtMs, () => world.device("u1-d1").reconnect(awayMs));
  },
});

/** A long chatty run (about 30 events over 600 ms): the stream keeps growing after a restart. */
const LONG_CHATTY_SCRIPT: AgentScriptInput = {
  name: "race-long-chatty",
  agentType: "race",
  steps: [
    { kind: "think", content: "Planning.", durationMs: 20 },
    ...Array.from({ length: 24 }, (_, index) => ({ kind: "partial" as const, content: `Part ${index + 1}.`, delayMs: 25 })),
    { kind: "think", content: "Wrapping up.", durationMs: 20 },
  ],
  finalResponse: "Done.",
};

/** A device away for part of a run resumes into a replay while the gateway restarts. */
export const restartMidReplayProperty = defineRaceProperty({
  name: "race-restart-mid-replay",
  guards: "invariants 7-8 (announced loss, never a silent gap) when a restart races a resume's replay",
  catches: ["epoch-mismatch-wrong-stream", "resume-before-first-event"],
  parameters: fc.record({ graceful: fc.boolean(), leaveAtMs: fc.integer({ min: 0, max: 200 }), awayMs: fc.integer({ min: 20, max: 300 }), reconnectDelayMs: fc.integer({ min: 1, max: 300 }) }),
  world: ({ reconnectDelayMs }) => ({ devicesPerUser: [1], script: LONG_CHATTY_SCRIPT, reconnectDelayMs }),
  race(world, { graceful, leaveAtMs, awayMs }) {
    world.device("u1-d1").connect();
    world.requestRun("u1-d1", "q-1");
    // The restart is scheduled as the device comes back: it may land before its accept, in its replay, or after.
    world.time.after(leaveAtMs, () => world.device("u1-d1").reconnect(awayMs));
    world.time.after(leaveAtMs + awayMs, () => world.scheduleRestart({ graceful }));
  },
});

/** Every interleaving property. */
export const INTERLEAVING_PROPERTIES = [concurrentStartsProperty, resumeVersusEmitProperty, closeVersusSendProperty, restartMidReplayProperty] as const;

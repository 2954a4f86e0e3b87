/**
 * Whole scenarios as fast-check values: users, devices per user, runs, generated agent
 * scripts, tool failures, timeouts and cancels, manager limits and an explicit fault
 * schedule. Every value is validated through `parseScenario` as it is made, so a
 * property only ever sees scenarios the simulator (and a counterexample file) accepts.
 * Everything shrinks toward one user, one device, one run, one short script, no tool
 * faults and the fewest, earliest, simplest scheduled faults.
 */
import fc from "fast-check";
import type { AgentScriptInput } from "../../server/runtime/agentScript.ts";
import { parseScenario } from "../../sim/scenario/loadScenario.ts";
import type { ScenarioInput, ScheduledFault } from "../../sim/scenario/scenarioSchema.ts";
import { agentScriptArbitrary, type AgentScriptArbitraryOptions } from "./agentScriptArbitrary.ts";
import { faultScheduleArbitrary, type FaultKind } from "./faultScheduleArbitrary.ts";

/** Options of {@link scenarioArbitrary}. Bounds are inclusive. */
export interface ScenarioArbitraryOptions {
  /** The scenario's `name` (counterexample files and sim result folders carry it). */
  name: string;
  /** Users, 1..usersMax (usersMin default 1, usersMax default 3, at most 5). */
  usersMin?: number;
  usersMax?: number;
  /** Devices per user, 1..devicesMax (default 2, at most 3). */
  devicesMax?: number;
  /** Runs per user, 1..runsPerUserMax (default 2). */
  runsPerUserMax?: number;
  /** Generated agent scripts, 1..scriptsMax (default 2); each run draws one. */
  scriptsMax?: number;
  script?: AgentScriptArbitraryOptions;
  /** Runs are requested in [0, startWindowMs) with startWindowMs drawn in 0..startWindowMsMax. Default 2000. */
  startWindowMsMax?: number;
  /** Faults are scheduled in [0, faultPhaseMs); liveness is judged after. Default 4000. */
  faultPhaseMs?: number;
  /** Scheduled fault kinds (default: all), fewest faults (default 0) and most faults (default 6). */
  faultKinds?: readonly FaultKind[];
  /** Kinds without a shrink rank a schedule may also hold (faultScheduleArbitrary's `unrankedKinds`). Default: none. */
  unrankedFaultKinds?: readonly FaultKind[];
  faultsMin?: number;
  faultsMax?: number;
  /** Tool failures, tool timeouts and cancels drawn per run by the seed (per-mille, shrinking to 0). Default true. */
  toolFaults?: boolean;
  /** `managerLimits` of the scenario. Default: none (the manager's defaults). */
  managerLimits?: fc.Arbitrary<Record<string, number>>;
  /** `ackEveryEvents`. Default 0..10 (0: a device never acks). */
  ackEveryEvents?: fc.Arbitrary<number>;
  /** Slow-socket spell parameters of the plan; default bandwidth 1..20 bytes/ms for 300..4000 ms. */
  slowBandwidthBytesPerMs?: fc.Arbitrary<number>;
  slowSocketMs?: fc.Arbitrary<number>;
  /**
   * `budgets.settleMs`: how long after faults heal every run and device may take to settle.
   * Default 30 s: generated runs last a few seconds, and a failing (unsettled) case costs
   * the whole budget in virtual time, so a tighter one makes shrinking cheaper.
   */
  settleMs?: number;
  /** `instances`. Default: 1, and the field is left out (the scenarios of every single-instance property stay as they were). */
  instances?: fc.Arbitrary<number>;
  /** `cluster` (broker feed, lease), used when the drawn `instances` is 2 or more. Default: none (the defaults). */
  cluster?: fc.Arbitrary<ClusterInput>;
  /** More fault-plan fields (the broker faults' rates and settings), merged into the drawn plan. Default: none. */
  moreFaults?: fc.Arbitrary<Record<string, number>>;
}

/** A scenario's `cluster` as written. */
export type ClusterInput = NonNullable<ScenarioInput["cluster"]>;

/** Simulator-wide caps of the arbitrary (PROPERTY budget: a generated run must stay cheap). */
const USERS_MAX = 5;
const DEVICES_PER_USER_MAX = 3;

/** A valid scenario input (see the module comment). */
export function scenarioArbitrary(options: ScenarioArbitraryOptions): fc.Arbitrary<ScenarioInput> {
  const usersMax = Math.min(USERS_MAX, options.usersMax ?? 3);
  const usersMin = Math.min(usersMax, options.usersMin ?? 1);
  const devicesMax = Math.min(DEVICES_PER_USER_MAX, options.devicesMax ?? 2);
  const faultPhaseMs = options.faultPhaseMs ?? 4_000;
  const scriptsMax = options.scriptsMax ?? 2;
  // No fc.chain: an array of scripts named by position afterwards shrinks both the count and each script.
  const scripts = fc
    .array(agentScriptArbitrary("script", options.script ?? {}), { minLength: 1, maxLength: scriptsMax })
    .map((drawn) => drawn.map((script, index): AgentScriptInput => ({ ...script, name: `script-${index + 1}` })));
  const toolFaults = options.toolFaults ?? true;
  const plan = fc.record({
    toolFailurePerMille: toolFaults ? fc.integer({ min: 0, max: 300 }) : fc.constant(0),
    toolTimeoutPerMille: toolFaults ? fc.integer({ min: 0, max: 200 }) : fc.constant(0),
    cancelPerMille: toolFaults ? fc.integer({ min: 0, max: 300 }) : fc.constant(0),
    reconnectDelayMsMin: fc.constant(20),
    reconnectDelayMsMax: fc.integer({ min: 20, max: 1_500 }),
    restartDowntimeMs: fc.integer({ min: 0, max: 600 }),
    stormWindowMs: fc.integer({ min: 0, max: 1_000 }),
    slowBandwidthBytesPerMs: options.slowBandwidthBytesPerMs ?? fc.integer({ min: 1, max: 20 }),
    slowSocketMs: options.slowSocketMs ?? fc.integer({ min: 300, max: 4_000 }),
  });
  return fc
    .record({
      users: fc.integer({ min: usersMin, max: usersMax }),
      devices: fc.array(fc.integer({ min: 1, max: devicesMax }), { minLength: usersMax, maxLength: usersMax }),
      runsPerUser: fc.integer({ min: 1, max: options.runsPerUserMax ?? 2 }),
      agentScripts: scripts,
      startWindowMs: fc.integer({ min: 0, max: options.startWindowMsMax ?? 2_000 }),
      plan,
      faultSchedule: faultScheduleArbitrary({
        phaseMs: faultPhaseMs,
        faultsMin: options.faultsMin ?? 0,
        faultsMax: options.faultsMax ?? 6,
        usersMax,
        devicesMax,
        ...(options.faultKinds === undefined ? {} : { kinds: options.faultKinds }),
        ...(options.unrankedFaultKinds === undefined ? {} : { unrankedKinds: options.unrankedFaultKinds }),
      }),
      managerLimits: options.managerLimits ?? fc.constant({}),
      ackEveryEvents: options.ackEveryEvents ?? fc.integer({ min: 0, max: 10 }),
      // Last, so the draws above are the same with or without them.
      instances: options.instances ?? fc.constant(1),
      cluster: options.cluster ?? fc.constant(undefined),
      moreFaults: options.moreFaults ?? fc.constant({}),
    })
    .map((drawn): ScenarioInput => {
      const devicesPerUser = drawn.devices.slice(0, drawn.users);
      const input: ScenarioInput = {
        name: options.name,
        description: `Generated by property/arbitraries/scenarioArbitrary.ts for ${options.name}.`,
        users: drawn.users,
        devicesPerUser,
        runsPerUser: drawn.runsPerUser,
        scripts: drawn.agentScripts.map((script) => script.name),
        agentScripts: drawn.agentScripts,
        startWindowMs: drawn.startWindowMs,
        faultPhaseMs,
        faults: { ...drawn.plan, ...drawn.moreFaults },
        faultSchedule: drawn.faultSchedule.map((fault) => foldDevice(fault, devicesPerUser)),
        managerLimits: drawn.managerLimits,
        budgets: { settleMs: options.settleMs ?? 30_000 },
        ackEveryEvents: drawn.ackEveryEvents,
        ...(drawn.instances === 1 ? {} : { instances: drawn.instances, ...(drawn.cluster === undefined ? {} : { cluster: drawn.cluster }) }),
      };
      // Validation at the edge (STYLE rule 4): an invalid value is a bug of this arbitrary, and throws here.
      parseScenario(input, `scenarioArbitrary(${options.name})`);
      return input;
    });
}

/** Maps a device slot `u.d` onto a device the scenario has (modulo its users and that user's devices). */
function foldDevice(fault: ScheduledFault, devicesPerUser: readonly number[]): ScheduledFault {
  if (fault.device === undefined) return fault;
  const [userSlot, deviceSlot] = fault.device.split(".").map(Number) as [number, number];
  const userIndex = userSlot % devicesPerUser.length;
  const deviceIndex = deviceSlot % (devicesPerUser[userIndex] as number);
  return { ...fault, device: `${userIndex}.${deviceIndex}` };
}

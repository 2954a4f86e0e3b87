/**
 * Faults for one simulation: drawn per tick from the fault stream during the fault
 * phase, or replayed from the scenario's explicit `faultSchedule`. The kinds and their
 * actions live in `kinds/` (listed in faultKinds.ts); this file only decides when they
 * fire. The order of draws is part of the trace's contract: every whole-system kind by
 * its `tick.order` (restart, storm), then per connected device its kinds by `tick.order`
 * (drop, half-open, reconnect and its delay, send failure, slow socket); after an
 * exclusive kind fires, that device draws nothing more this tick.
 */
import type { SimDevice } from "../createSimDevice.ts";
import type { ScheduledFault } from "../scenario/scenarioSchema.ts";
import type { ConnectionFaultKind, FaultContext, FaultTick, PlanFieldSpecs, SystemFaultKind } from "./FaultKind.ts";
import { FAULT_KINDS } from "./faultKinds.ts";
import type { FaultInjectorOptions } from "./FaultInjectorOptions.ts";
import type { FaultPlan } from "./FaultPlan.ts";
import { restart } from "./kinds/restart.ts";

/** A bound fault injector: `start` schedules it; `restarts` counts server restarts so far. */
export interface FaultInjector {
  /** Schedules the fault schedule, or the first tick when the scenario has a fault phase. */
  start(): void;
  restarts(): number;
}

/**
 * A registered kind as the injector sees it: its action receives the whole plan, a
 * superset of the fields it declared (the registry's kinds differ in their field types,
 * so the list is widened once, here).
 */
type RunnableKind = ConnectionFaultKind<string, PlanFieldSpecs> | SystemFaultKind<string, PlanFieldSpecs>;

const RUNNABLE_KINDS = FAULT_KINDS.filter((kind) => kind.scope !== "plan") as unknown as readonly RunnableKind[];
const byTickOrder = (left: { tick?: { order: number } }, right: { tick?: { order: number } }) => (left.tick?.order ?? 0) - (right.tick?.order ?? 0);
const SYSTEM_TICKS = RUNNABLE_KINDS.filter((kind): kind is SystemFaultKind<string, PlanFieldSpecs> => kind.scope === "system" && kind.tick !== undefined).sort(byTickOrder);
const CONNECTION_TICKS = RUNNABLE_KINDS.filter((kind): kind is ConnectionFaultKind<string, PlanFieldSpecs> => kind.scope === "connection" && kind.tick !== undefined).sort(byTickOrder);
const KIND_BY_NAME: ReadonlyMap<string, RunnableKind> = new Map(RUNNABLE_KINDS.map((kind) => [kind.name, kind]));

/** Binds the injector to one simulation; nothing is scheduled until `start`. */
export function createFaultInjector(options: FaultInjectorOptions): FaultInjector {
  const { scenario, faultPlan, time } = options;
  let restarts = 0;
  const contexts = new Map(RUNNABLE_KINDS.map((kind) => [kind.name, createContext(kind.name, options)]));
  const contextOf = (kind: RunnableKind) => contexts.get(kind.name) as FaultContext<FaultPlan>;
  const run = { contextOf, onFired: (kind: RunnableKind) => (restarts += kind.name === restart.name ? 1 : 0) };
  const injectFaults = () => {
    if (options.elapsedMs() >= scenario.faultPhaseMs) return;
    injectTick(options, run);
    time.after(faultPlan.tickMs, injectFaults);
  };
  return {
    start: () => {
      if (scenario.faultSchedule !== undefined) {
        for (const entry of scenario.faultSchedule) time.after(entry.atMs, () => applyScheduledFault(entry, options, run));
      } else if (scenario.faultPhaseMs > 0) {
        time.after(faultPlan.tickMs, injectFaults);
      }
    },
    restarts: () => restarts,
  };
}

interface Run {
  contextOf(kind: RunnableKind): FaultContext<FaultPlan>;
  onFired(kind: RunnableKind): void;
}

function createContext(name: string, options: FaultInjectorOptions): FaultContext<FaultPlan> {
  const { trace, mark } = options;
  return {
    plan: options.faultPlan,
    random: options.random,
    time: options.time,
    network: options.network,
    devices: options.devices,
    usersCount: options.scenario.users,
    healthyNetwork: options.scenario.network,
    count: () => options.countFault(name),
    trace,
    mark,
    hitDevice: (device, extra = {}) => {
      options.countFault(name);
      trace({ kind: "fault", fault: name, conn: device.connectionId, ...extra });
      mark(device.userId, `${name.replaceAll("_", " ")} on ${device.connectionId ?? device.deviceId}`);
    },
    replaceServer: options.replaceServer,
    cluster: options.cluster,
    managerLimits: options.managerLimits,
  };
}

/** Whether a kind fires this tick: one draw from the fault stream (none at 0 ‰ for kinds without `drawsAtZero`). */
function fires(tick: FaultTick<PlanFieldSpecs>, options: FaultInjectorOptions): boolean {
  const perMille = (options.faultPlan as Readonly<Record<string, number>>)[tick.rateField] ?? 0;
  if (perMille === 0 && tick.drawsAtZero !== true) return false;
  return options.random.chance(perMille, 1000);
}

function injectTick(options: FaultInjectorOptions, run: Run): void {
  for (const kind of SYSTEM_TICKS) {
    if (kind.tick !== undefined && fires(kind.tick, options)) {
      run.onFired(kind);
      kind.act(run.contextOf(kind));
    }
  }
  for (const device of options.devices) {
    const connectionId = device.connectionId;
    if (connectionId === null) continue;
    injectConnectionFaults(device, connectionId, options, run);
  }
}

function injectConnectionFaults(device: SimDevice, connectionId: string, options: FaultInjectorOptions, run: Run): void {
  for (const kind of CONNECTION_TICKS) {
    if (kind.tick === undefined || !fires(kind.tick, options)) continue;
    run.onFired(kind);
    kind.act(device, connectionId, run.contextOf(kind));
    if (kind.tick.exclusive) return;
  }
}

function applyScheduledFault(entry: ScheduledFault, options: FaultInjectorOptions, run: Run): void {
  const kind = KIND_BY_NAME.get(entry.fault);
  if (kind === undefined) return;
  if (kind.scope === "system") {
    run.onFired(kind);
    return kind.act(run.contextOf(kind));
  }
  const [userIndex, deviceIndex] = (entry.device ?? "0.0").split(".").map(Number) as [number, number];
  const device = options.devicesById.get(`u${userIndex + 1}-d${deviceIndex + 1}`);
  const connectionId = device?.connectionId;
  if (device === undefined || connectionId === null || connectionId === undefined) {
    options.trace({ kind: "fault_skipped", fault: entry.fault, device: entry.device ?? "0.0", why: "no open connection" });
    return;
  }
  run.onFired(kind);
  kind.act(device, connectionId, run.contextOf(kind));
}

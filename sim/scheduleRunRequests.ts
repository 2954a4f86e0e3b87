import type { SimRandom } from "./core/createRandom.ts";
import type { VirtualTime } from "./core/createVirtualTime.ts";
import type { SimDevice } from "./createSimDevice.ts";
import type { FaultPlan } from "./faults/FaultPlan.ts";
import type { RunRequest } from "./RunRequest.ts";
import type { Scenario } from "./scenario/scenarioSchema.ts";

/** Options of {@link scheduleRunRequests}. */
export interface ScheduleRunRequestsOptions {
  time: VirtualTime;
  /** The "agents" stream: device, script, start time and cancellation are drawn from it, in that order per run. */
  agentRandom: SimRandom;
  /** The "foreign-cancels" stream: the foreign_cancel fault's draws, made only while its rate is above 0. */
  foreignCancelRandom: SimRandom;
  faultPlan: FaultPlan;
  devices: readonly SimDevice[];
  /** Chooses (and maybe varies) the script of one run; see buildRunScripts. */
  perRunScript: (runRandom: SimRandom) => string;
  /** Receives each request as it is scheduled, keyed by request id. */
  requests: Map<string, RunRequest>;
  trace: (line: Record<string, unknown>) => void;
  countFault: (kind: string) => void;
  /** The start_agent message of run `runIndex` (0-based) of `userId`; default a short ASCII line. */
  messageOf?: (userId: string, runIndex: number) => string;
}

/**
 * Schedules `runsPerUser` runs per user, each requested by one of the user's devices
 * at a drawn time within the start window, some cancelled 50..3000 ms later (once the
 * run started, even if it has completed by then).
 */
export function scheduleRunRequests(scenario: Scenario, options: ScheduleRunRequestsOptions): void {
  for (let userIndex = 0; userIndex < scenario.users; userIndex += 1) {
    const userId = `u${userIndex + 1}`;
    const userDevices = options.devices.filter((device) => device.userId === userId);
    for (let runIndex = 0; runIndex < scenario.runsPerUser; runIndex += 1) scheduleRun(userId, runIndex, userDevices, scenario, options);
  }
}

function scheduleRun(userId: string, runIndex: number, userDevices: readonly SimDevice[], scenario: Scenario, options: ScheduleRunRequestsOptions): void {
  const { agentRandom, time, trace } = options;
  const device = agentRandom.pick(userDevices);
  const scriptName = options.perRunScript(agentRandom);
  const requestId = `q-${userId}-${runIndex + 1}`;
  const request: RunRequest = { userId, requestId, device, scriptName, runId: null, completed: false };
  options.requests.set(requestId, request);
  const atMs = 50 + agentRandom.integer(0, Math.max(0, scenario.startWindowMs - 1));
  time.after(atMs, () => {
    trace({ kind: "request", user: userId, device: device.deviceId, request: requestId, script: scriptName });
    device.requestRun({ type: "start_agent", request_id: requestId, agent_type: "sim_agent", message: options.messageOf?.(userId, runIndex) ?? `Run ${runIndex + 1} for ${userId}`, scenario: scriptName });
  });
  scheduleForeignCancel(request, atMs, options);
  if (!agentRandom.chance(options.faultPlan.cancelPerMille, 1000)) return;
  time.after(atMs + agentRandom.integer(50, 3_000), () => {
    // A run that completed already is cancelled too: a user may press cancel just as the run ends (the runtime must refuse it and change nothing).
    if (request.runId === null) return;
    options.countFault("cancel");
    trace({ kind: "fault", fault: "cancel", device: device.deviceId, run: request.runId });
    device.cancel(request.runId);
  });
}

/** The foreign_cancel fault (sim/faults/kinds/foreignCancel.ts) for one run: a device of another user cancels it. */
function scheduleForeignCancel(request: RunRequest, atMs: number, options: ScheduleRunRequestsOptions): void {
  const random = options.foreignCancelRandom;
  if (options.faultPlan.foreignCancelPerMille === 0) return;
  const others = options.devices.filter((device) => device.userId !== request.userId);
  if (others.length === 0 || !random.chance(options.faultPlan.foreignCancelPerMille, 1000)) return;
  const intruder = random.pick(others);
  options.time.after(atMs + random.integer(50, 3_000), () => {
    if (request.runId === null) return;
    options.countFault("foreign_cancel");
    options.trace({ kind: "fault", fault: "foreign_cancel", device: intruder.deviceId, run: request.runId, owner: request.userId });
    intruder.cancel(request.runId);
  });
}

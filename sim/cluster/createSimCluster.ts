/**
 * N simulated server instances sharing one simulated broker, wired as createServer.ts
 * wires a real instance: a real connection manager and a real agent runtime per instance,
 * the broker port (here the instance's {@link SimBrokerView}) and a run-lease keeper. Each
 * device's connect lands on a seeded choice of instance (its own stream per device, so a
 * draw for one device never shifts another's). Crash, partition, failover and feed spells
 * are the controls the broker faults (faults/) use.
 */
import type { AgentEventDraft } from "../../protocol/frames.ts";
import { createConnectionManager, type ConnectionManager, type ManagerObserver, type ManagerParts, type ManagerStats } from "../../server/manager/createConnectionManager.ts";
import type { ManagerLimits } from "../../server/manager/managerLimits.ts";
import type { IdSource } from "../../server/ports/idSource.ts";
import type { Scheduler } from "../../server/ports/scheduler.ts";
import type { ClaimAnswer } from "../../server/ports/requestClaims.ts";
import type { AgentScript } from "../../server/runtime/agentScript.ts";
import { createAgentRuntime, type AgentRuntime, type AgentRuntimeLimits, type AgentRuntimeOptions } from "../../server/runtime/createAgentRuntime.ts";
import type { SimRandom } from "../core/createRandom.ts";
import type { SimNetwork } from "../core/createSimNetwork.ts";
import type { VirtualTime } from "../core/createVirtualTime.ts";
import type { SimDevice } from "../createSimDevice.ts";
import type { BrokerFaultControls } from "./BrokerFaultControls.ts";
import type { ClusterSettings } from "./clusterSchema.ts";
import type { SimBroker } from "./createSimBroker.ts";
import type { SimBrokerView } from "./createSimBrokerView.ts";
import { createSimRunLeases, type SimLeaseParts, type SimRunLeases } from "./createSimRunLeases.ts";

/** The runtime's publish port. */
type Publish = (userId: string, draft: AgentEventDraft) => void;

/** Options of {@link createSimCluster}. */
export interface SimClusterOptions {
  instances: number;
  settings: ClusterSettings;
  broker: SimBroker;
  time: VirtualTime;
  /** "cluster/routing": one fork per device picks the instance of each of its connects. */
  routingRandom: SimRandom;
  ids: IdSource;
  network: SimNetwork;
  managerScheduler: Scheduler;
  runtimeScheduler: Scheduler;
  managerLimits: ManagerLimits;
  runtimeLimits: AgentRuntimeLimits;
  scripts: ReadonlyMap<string, AgentScript>;
  /** Manager parts a planted bug replaces (the resume policy only: the broker keeps the history). */
  managerParts?: Pick<ManagerParts, "planResume">;
  /** Every decision of every manager, with the manager that took it. */
  decision: (decision: Parameters<NonNullable<ManagerObserver["decision"]>>[0], manager: ConnectionManager) => void;
  /** Wraps each runtime's (and each lease keeper's) publish into a manager: the simulation's bookkeeping and a planted bug. */
  wrapPublish: (publish: Publish, context: { scheduler: Scheduler; runtimeOwned: boolean }) => Publish;
  onRunStarted: NonNullable<AgentRuntimeOptions["onRunStarted"]>;
  onRunEnded: NonNullable<AgentRuntimeOptions["onRunEnded"]>;
  onOrphanEnded: (run: { runId: string; userId: string; owner: string }) => void;
  /** A runtime gave up a held request claim (traced here as `claim_abandoned` too). */
  onClaimAbandoned: () => void;
  /** Asked as each claim's answer comes back from the broker: true loses it, and the runtime hears `held` (the claim_answer_lost fault). */
  claimAnswerLost?: (claim: { instanceId: string; userId: string; requestId: string; answer: ClaimAnswer }) => boolean;
  leaseParts?: SimLeaseParts;
  trace: (line: Record<string, unknown>) => void;
}

interface Instance {
  readonly slot: number;
  readonly instanceId: string;
  manager: ConnectionManager;
  view: SimBrokerView;
  readonly runtime: AgentRuntime;
  readonly leases: SimRunLeases;
  /** Network connection ids accepted here, for a crash to drop. */
  readonly connections: Set<string>;
}

/** The cluster: what the host, the broker faults and the simulation's totals need. */
export interface SimCluster extends BrokerFaultControls {
  /** Where a device's connect lands: the manager (null while that slot is down) and the trace field naming it. */
  serverFor(device: SimDevice): { manager: ConnectionManager; instanceId: string; accepted(connectionId: string): void } | null;
  /** Every gateway is replaced at once (the `restart` fault): new managers and views, runtimes and leases go on. Returns the old managers. */
  replaceGateways(): ConnectionManager[];
  /** Every manager ever created, in creation order (the alert counters sum them). */
  readonly managers: readonly ConnectionManager[];
  /** Summed over every runtime ever created. */
  runtimeStats(): { runsStarted: number; runsCompleted: number; claimsAbandoned: number };
  stopRuntimes(): void;
  /** Stops every lease keeper (the simulation's liveness phase is over). */
  stopLeases(): void;
}

/** Creates `options.instances` instances and starts their leases. */
export function createSimCluster(options: SimClusterOptions): SimCluster {
  const { broker, time, network } = options;
  const managers: ConnectionManager[] = [];
  const runtimes: AgentRuntime[] = [];
  const slots: Array<Instance | null> = [];
  const incarnations: number[] = [];
  const routing = new Map<string, SimRandom>();

  function createManager(view: SimBrokerView): ConnectionManager {
    const manager = createConnectionManager({
      clock: time,
      scheduler: options.managerScheduler,
      ids: options.ids,
      limits: options.managerLimits,
      broker: view.port,
      ...(options.managerParts === undefined ? {} : { parts: options.managerParts }),
      onCommand: (command) => runtimeOf(manager)?.handleCommand(command),
      observer: { decision: (decision) => options.decision(decision, manager) },
    });
    managers.push(manager);
    return manager;
  }

  function runtimeOf(manager: ConnectionManager): AgentRuntime | undefined {
    for (const instance of slots) if (instance?.manager === manager) return instance.runtime;
    return undefined;
  }

  function startInstance(slot: number): Instance {
    incarnations[slot] = (incarnations[slot] ?? 0) + 1;
    const instanceId = `i${slot + 1}.${incarnations[slot]}`;
    const view = broker.connect(instanceId);
    const manager = createManager(view);
    const viaManager: Publish = (userId, draft) => {
      slots[slot]?.manager.publish(userId, draft);
    };
    const runtime = createAgentRuntime({
      clock: time,
      scheduler: options.runtimeScheduler,
      ids: options.ids,
      publish: options.wrapPublish(viaManager, { scheduler: options.runtimeScheduler, runtimeOwned: true }),
      scripts: options.scripts,
      limits: options.runtimeLimits,
      // A start_agent re-sent on another instance starts no second run: claimed in the broker, as the Redis adapter does.
      requestClaims: {
        leaseMs: options.settings.leaseMs,
        claim: (request, done) =>
          (slots[slot]?.view ?? view).claim(request, (answer) => done(options.claimAnswerLost?.({ instanceId, userId: request.userId, requestId: request.requestId, answer }) === true ? "held" : answer)),
        started: (userId, requestId) => (slots[slot]?.view ?? view).started(userId, requestId),
      },
      onClaimAbandoned: ({ userId, requestId, heldMs }) => {
        options.onClaimAbandoned();
        options.trace({ kind: "claim_abandoned", instance: instanceId, user: userId, request: requestId, held_ms: heldMs });
      },
      onRunStarted: options.onRunStarted,
      onRunEnded: options.onRunEnded,
    });
    runtimes.push(runtime);
    const instance: Instance = {
      slot,
      instanceId,
      manager,
      view,
      runtime,
      connections: new Set(),
      leases: createSimRunLeases({
        broker,
        instanceId,
        reachable: () => slots[slot]?.view.reachable() === true,
        clock: time,
        scheduler: options.managerScheduler,
        leaseMs: options.settings.leaseMs,
        publish: options.wrapPublish(viaManager, { scheduler: options.managerScheduler, runtimeOwned: false }),
        onOrphanEnded: options.onOrphanEnded,
        ...(options.leaseParts === undefined ? {} : { parts: options.leaseParts }),
      }),
    };
    slots[slot] = instance;
    instance.leases.start();
    options.trace({ kind: "instance_up", instance: instanceId });
    return instance;
  }

  for (let slot = 0; slot < options.instances; slot += 1) startInstance(slot);

  const up = (slot: number) => slots[slot] ?? null;
  const slotIndexes = () => slots.map((_, slot) => slot);

  return {
    serverFor(device) {
      let random = routing.get(device.deviceId);
      if (random === undefined) {
        random = options.routingRandom.fork(device.deviceId);
        routing.set(device.deviceId, random);
      }
      const instance = up(random.integer(0, options.instances - 1));
      if (instance === null) return null;
      return { manager: instance.manager, instanceId: instance.instanceId, accepted: (connectionId) => instance.connections.add(connectionId) };
    },
    healthySlots: () => slotIndexes().filter((slot) => up(slot)?.view.reachable() === true),
    instanceIdOf: (slot) => up(slot)?.instanceId ?? null,
    crash(slot, downtimeMs) {
      const instance = up(slot);
      if (instance === null) return;
      slots[slot] = null;
      instance.view.kill();
      instance.leases.stop();
      instance.runtime.stop();
      const live = new Set(network.liveConnectionIds());
      for (const connectionId of instance.connections) if (live.has(connectionId)) network.drop(connectionId);
      instance.manager.shutdown("instance crashed");
      time.after(downtimeMs, () => startInstance(slot));
    },
    partition(slot, durationMs) {
      const view = up(slot)?.view;
      if (view === undefined) return;
      view.setReachable(false);
      time.after(durationMs, () => view.setReachable(true));
    },
    disturbFeed(slot, spell) {
      up(slot)?.view.disturb({ kind: spell.kind, lagMs: spell.lagMs, untilMs: time.nowMs() + spell.durationMs });
    },
    failover(replicationLagMs, downtimeMs) {
      const lost = broker.failover(replicationLagMs);
      const views = slots.flatMap((instance) => (instance === null ? [] : [instance.view]));
      for (const view of views) view.setReachable(false);
      time.after(downtimeMs, () => {
        for (const view of views) view.setReachable(true);
      });
      return lost;
    },
    replaceGateways() {
      const old: ConnectionManager[] = [];
      for (const instance of slots) {
        if (instance === null) continue;
        old.push(instance.manager);
        instance.view.kill();
        instance.view = broker.connect(instance.instanceId);
        instance.manager = createManager(instance.view);
      }
      return old;
    },
    managers,
    runtimeStats() {
      let runsStarted = 0;
      let runsCompleted = 0;
      let claimsAbandoned = 0;
      for (const runtime of runtimes) {
        const stats = runtime.stats();
        runsStarted += stats.runsStarted;
        runsCompleted += stats.runsCompleted;
        claimsAbandoned += stats.claimsAbandoned;
      }
      return { runsStarted, runsCompleted, claimsAbandoned };
    },
    stopRuntimes() {
      for (const instance of slots) instance?.runtime.stop();
    },
    stopLeases() {
      for (const instance of slots) instance?.leases.stop();
    },
  };
}

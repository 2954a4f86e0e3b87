/**
 * The server side of a simulation with `instances` >= 2: the shared simulated broker, the
 * instances on it and the broker's faults, bound to the simulation's bookkeeping. The
 * emitted log (the checker's ground truth) comes from the broker, where seqs are assigned:
 * an append held by a cut-off instance gets its seq only when it reaches the broker.
 *
 * PRNG forks (named forks hash their path, so none of these shifts another stream):
 * `cluster/broker` (feed and round-trip delays, one fork per view), `cluster/routing`
 * (one fork per device: which instance each connect lands on), `cluster/claim-answers` (the
 * claim_answer_lost fault; drawn only while its rate is above 0). The broker faults are fault
 * kinds (sim/faults/kinds/) drawn from the simulation's `faults` stream like any other.
 */
import type { AgentEvent, AgentEventDraft } from "../../protocol/frames.ts";
import type { PlantedBug } from "../bugZoo/PlantedBug.ts";
import type { SimRandom } from "../core/createRandom.ts";
import type { Scenario } from "../scenario/scenarioSchema.ts";
import { CLUSTER_DEFAULTS } from "./clusterSchema.ts";
import { createSimBroker } from "./createSimBroker.ts";
import { createSimCluster, type SimClusterOptions } from "./createSimCluster.ts";
import type { SimServerSide } from "./SimServerSide.ts";

/** What the simulation hands the cluster: what the cluster itself takes, plus the simulation's hooks. */
export interface ClusterServerSideOptions
  extends Pick<SimClusterOptions, "time" | "ids" | "network" | "managerScheduler" | "runtimeScheduler" | "managerLimits" | "runtimeLimits" | "scripts" | "onRunStarted" | "onRunEnded" | "onOrphanEnded" | "onClaimAbandoned" | "trace"> {
  /** The simulation's root stream; the cluster forks `cluster` from it. */
  root: SimRandom;
  plant?: PlantedBug;
  onDecision: SimClusterOptions["decision"];
  /** The broker assigned a seq (ground truth). */
  onAppended: (userId: string, event: AgentEvent) => void;
  /** A runtime or a lease keeper published a draft (before the broker sees it). */
  onPublish: (userId: string, draft: AgentEventDraft) => void;
  /** The fault plan's claim_answer_lost rate (0: nothing is drawn). */
  claimAnswerLostPerMille: number;
  /** Counts one injected fault of `kind` (the simulation's fault totals). */
  countFault: (kind: string) => void;
}

/** Builds the broker and the instances (the broker faults act through `brokerControls`). */
export function createClusterServerSide(scenario: Scenario, options: ClusterServerSideOptions): SimServerSide {
  const settings = scenario.cluster ?? CLUSTER_DEFAULTS;
  const random = options.root.fork("cluster");
  const { time, plant } = options;
  const broker = createSimBroker({
    time,
    random: random.fork("broker"),
    ids: options.ids,
    replayEventsMax: options.managerLimits.replayEventsMax,
    replayBytesMax: options.managerLimits.replayBytesMax,
    feedDelayMsMin: settings.feedDelayMsMin,
    feedDelayMsMax: settings.feedDelayMsMax,
    appendsPendingMax: settings.appendsPendingMax,
    onAppended: options.onAppended,
    trace: options.trace,
    ...(plant?.cluster?.broker === undefined ? {} : { parts: plant.cluster.broker }),
  });
  const cluster = createSimCluster({
    instances: scenario.instances,
    settings,
    broker,
    time,
    routingRandom: random.fork("routing"),
    ids: options.ids,
    network: options.network,
    managerScheduler: options.managerScheduler,
    runtimeScheduler: options.runtimeScheduler,
    managerLimits: options.managerLimits,
    runtimeLimits: options.runtimeLimits,
    scripts: options.scripts,
    // A shared broker keeps the history and writes frames itself: only the resume policy of a planted bug applies.
    ...(plant?.parts?.planResume === undefined ? {} : { managerParts: { planResume: plant.parts.planResume } }),
    decision: options.onDecision,
    wrapPublish: (publish, context) => {
      const recorded = (userId: string, draft: AgentEventDraft) => {
        options.onPublish(userId, draft);
        publish(userId, draft);
      };
      return context.runtimeOwned ? (plant?.wrapPublish?.(recorded, { scheduler: context.scheduler }) ?? recorded) : recorded;
    },
    onRunStarted: options.onRunStarted,
    onRunEnded: options.onRunEnded,
    onOrphanEnded: options.onOrphanEnded,
    onClaimAbandoned: options.onClaimAbandoned,
    ...(options.claimAnswerLostPerMille === 0 ? {} : { claimAnswerLost: claimAnswerLoser(random.fork("claim-answers"), options) }),
    ...(plant?.cluster?.leases === undefined ? {} : { leaseParts: plant.cluster.leases }),
    trace: options.trace,
  });
  return {
    serverFor: (device) => cluster.serverFor(device),
    replaceServer: () => cluster.replaceGateways(),
    streamHead: (userId) => broker.head(userId),
    managers: cluster.managers,
    runtimeStats: () => cluster.runtimeStats(),
    stop: () => cluster.stopRuntimes(),
    settled: () => cluster.stopLeases(),
    brokerControls: cluster,
  };
}

/** The claim_answer_lost fault (sim/faults/kinds/claimAnswerLost.ts): one draw per answer from its own stream; a lost one is counted and traced. */
function claimAnswerLoser(random: SimRandom, options: Pick<ClusterServerSideOptions, "claimAnswerLostPerMille" | "countFault" | "trace">): NonNullable<SimClusterOptions["claimAnswerLost"]> {
  return ({ instanceId, userId, requestId, answer }) => {
    if (!random.chance(options.claimAnswerLostPerMille, 1000)) return false;
    options.countFault("claim_answer_lost");
    options.trace({ kind: "fault", fault: "claim_answer_lost", instance: instanceId, user: userId, request: requestId, answer });
    return true;
  };
}

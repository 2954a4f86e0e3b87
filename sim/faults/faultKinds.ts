/**
 * The fault-kind registry: every kind the simulator knows, one file each under `kinds/`.
 * Adding a kind is one file there plus one line here (docs/extending.md, "Add a fault
 * kind"). The list's order is the order plan fields are written and drawn: append.
 */
import { FAULT_DESCRIPTIONS, type FaultDescription } from "../../protocol/faultDescriptions.ts";
import { cancel } from "./kinds/cancel.ts";
import { drop } from "./kinds/drop.ts";
import { failover } from "./kinds/failover.ts";
import { feedDelay } from "./kinds/feedDelay.ts";
import { feedReorder } from "./kinds/feedReorder.ts";
import { binaryFrame } from "./kinds/binaryFrame.ts";
import { claimAnswerLost } from "./kinds/claimAnswerLost.ts";
import { foreignCancel } from "./kinds/foreignCancel.ts";
import { unknownScript } from "./kinds/unknownScript.ts";
import { flood } from "./kinds/flood.ts";
import { oversizedFrame } from "./kinds/oversizedFrame.ts";
import { halfOpen } from "./kinds/halfOpen.ts";
import { instanceCrash } from "./kinds/instanceCrash.ts";
import { latencySpike } from "./kinds/latencySpike.ts";
import { resendStart } from "./kinds/resendStart.ts";
import { partition } from "./kinds/partition.ts";
import { reconnect } from "./kinds/reconnect.ts";
import { restart } from "./kinds/restart.ts";
import { sendFailure } from "./kinds/sendFailure.ts";
import { slowSocket } from "./kinds/slowSocket.ts";
import { stopPongs } from "./kinds/stopPongs.ts";
import { storm } from "./kinds/storm.ts";
import { toolFailure } from "./kinds/toolFailure.ts";
import { toolTimeout } from "./kinds/toolTimeout.ts";

/** Every fault kind, in plan order (the order a seed draws their fields: append new kinds). */
export const FAULT_KINDS = [drop, halfOpen, sendFailure, slowSocket, reconnect, storm, restart, toolFailure, toolTimeout, cancel, stopPongs, latencySpike, failover, instanceCrash, partition, feedDelay, feedReorder, resendStart, flood, oversizedFrame, binaryFrame, unknownScript, claimAnswerLost, foreignCancel] as const;

/** A fault kind's name, as traces, fault counts and `faultSchedule` write it. */
export type FaultKindName = (typeof FAULT_KINDS)[number]["name"];

/** Kinds that act on the running system (per connection or whole-system), unlike plan-only ones. */
type InjectableKind = Extract<(typeof FAULT_KINDS)[number], { scope: "connection" | "system" }>;

/** The name of a kind a `faultSchedule` entry can inject. */
export type InjectableFaultName = InjectableKind["name"];

/** Names of the kinds a `faultSchedule` entry can inject, in registry order; these are the faults `faultsInjected` counts. */
export const INJECTABLE_FAULT_NAMES = FAULT_KINDS.filter((kind) => kind.scope !== "plan").map((kind) => kind.name) as [InjectableFaultName, ...InjectableFaultName[]];

/**
 * Every kind that shows in a trace has the report's words for it (protocol/faultDescriptions.ts,
 * which the report reads without knowing the simulator): a kind without a row fails to compile here.
 */
export const FAULT_REPORT_TEXT: Readonly<Record<InjectableFaultName, FaultDescription>> = FAULT_DESCRIPTIONS;

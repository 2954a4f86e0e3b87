/**
 * What every agent-event script's `setup` and default function do, so each script
 * file only states its workload and thresholds (STYLE: one workload per file,
 * shared code in a lib).
 */
import exec from "k6/execution";
import { runAgentSession, type SessionOutcome, type SessionProfile } from "./agentSession.ts";
import { envString, type ScriptEnv } from "./env.ts";
import { CREDENTIALS_HELP, hasCredentials, vuCredentials } from "./token.ts";

/** Where the scripts connect unless `TARGET` says otherwise. */
export const DEFAULT_TARGET = "ws://127.0.0.1:8080/ws";

/** A VU's first session starts after a random delay below this, ms, so VUs do not run in lockstep. */
export const FIRST_SESSION_SPREAD_MS = 1000;

/** What setup hands every VU. */
export interface AgentEventSetupData {
  /** `ws://…` of the server, or of each instance of it (`TARGETS`). */
  targets: string[];
  /** One per test run (and per k6 instance): part of minted user ids, so a rerun gets fresh users. */
  runTag: string;
}

/**
 * setup(): checks the configuration once and picks the run tag (`RUN_TAG`, else
 * random). Targets: `TARGETS` (a comma list: several instances of one server sharing
 * its streams, e.g. behind Redis), else `TARGET`. @throws Error (k6 exits 107) when no
 * credentials or a bad target are given
 */
export function agentEventSetup(env: ScriptEnv): AgentEventSetupData {
  const listed = env["TARGETS"];
  const targets =
    listed === undefined || listed.trim() === ""
      ? [envString(env, "TARGET", { fallback: DEFAULT_TARGET })]
      : listed
          .split(",")
          .map((target) => target.trim())
          .filter((target) => target !== "");
  const name = listed === undefined || listed.trim() === "" ? "TARGET" : "TARGETS";
  for (const target of targets) if (!/^wss?:\/\//.test(target)) throw new Error(`__ENV.${name} must be ws:// or wss:// URLs, got "${target}"`);
  if (!hasCredentials(env)) throw new Error(`no credentials: ${CREDENTIALS_HELP}`);
  const runTag = envString(env, "RUN_TAG", { fallback: Math.random().toString(36).slice(2, 8) });
  return { targets, runTag };
}

/**
 * One iteration: one session of this VU's user (see agentSession.ts). Credentials
 * come from `exec.vu.idInTest`, unique across VUs and execution segments; without
 * usable credentials the test is aborted with the reason.
 */
export function agentEventIteration(profile: SessionProfile, options: { env: ScriptEnv; data: AgentEventSetupData }): Promise<SessionOutcome> {
  const idInTest = exec.vu.idInTest;
  let credentials;
  try {
    credentials = vuCredentials(options.env, { idInTest, iteration: exec.vu.iterationInInstance, runTag: options.data.runTag, nowMs: Date.now() });
  } catch (error) {
    exec.test.abort((error as Error).message);
    throw error; // unreachable: abort throws
  }
  return runAgentSession(
    {
      targets: options.data.targets,
      // VUs spread over the instances; each reconnect goes to the next one (see agentSession.ts).
      firstTargetIndex: (idInTest - 1) % options.data.targets.length,
      credentials,
      deviceId: `vu${idInTest}`,
      connectDelayMs: exec.vu.iterationInInstance === 0 ? Math.floor(Math.random() * FIRST_SESSION_SPREAD_MS) : 0,
      requestIdPrefix: `${options.data.runTag}-i${exec.vu.iterationInInstance}`,
      log: (line) => console.warn(`[vu ${idInTest}] ${line}`),
      emitRecordLine: (line) => console.log(line),
    },
    profile,
  );
}

/**
 * The custom k6 metrics every agent-event script reports. Declared at module scope,
 * so they are created in the init context of each VU (k6 requires it) and
 * aggregated across VUs, segments and instances by name.
 */
import { Counter, Trend } from "k6/metrics";
import { VIOLATION_CLASSES, type ViolationClass } from "../../protocol/checker/violationCountsByClass.ts";
import { violationMetricName } from "./thresholds.ts";

/** Agent events received (replays included), one per event. Its `rate` is the events/s the server delivered. */
export const eventsReceived = new Counter("events_received");

/** Emit-to-receive latency of live events, ms: receive time minus the envelope's `ts` (replays excluded: their ts is old by design). */
export const eventLatency = new Trend("event_latency", true);

/** Time from sending `start_agent` to receiving its `agent_started`, ms (live only; a start answered by a replay is not timed). */
export const agentStartLatency = new Trend("agent_start_latency", true);

/** Runs whose `agent_completed` this VU received. */
export const runsCompleted = new Counter("runs_completed");

/** Replayed events received after a resume (also counted in events_received). */
export const eventsReplayed = new Counter("events_replayed");

/** Resumes (reconnects with `last_seq` and `epoch`), planned or not. */
export const resumes = new Counter("resumes");

/** `resync_required` frames received (announced loss: the replay buffer did not reach back far enough, or a new epoch). */
export const resyncs = new Counter("resyncs");

/** `protocol_error` frames received: the server refused something the script sent. */
export const protocolErrors = new Counter("protocol_errors");

/**
 * How late the VU's own timers fire, ms: a timer due at session start, then one every {@link GENERATOR_LAG_PROBE_MS},
 * measures its delay. A busy VU (a checker or handler that cannot keep up) shows here
 * first; past its threshold the run is INVALID: latency and rates would measure the
 * load generator, not the server.
 */
export const generatorLag = new Trend("generator_lag", true);

/** Period of the generator-lag probe, ms. */
export const GENERATOR_LAG_PROBE_MS = 100;

/** One Counter per checker violation class, named `violations_<class>`; +1 per violation. */
export const violationCounters: Readonly<Record<ViolationClass, Counter>> = Object.fromEntries(
  VIOLATION_CLASSES.map((violationClass) => [violationClass, new Counter(violationMetricName(violationClass))]),
) as Record<ViolationClass, Counter>;

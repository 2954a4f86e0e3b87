/**
 * A k6 script that measures, inside a k6 VU, what the load scripts pay per event:
 * JSON.parse of the frame, then the shared checker (validation + invariants), the
 * way load/lib/agentSession.ts feeds it: one checker per session of a synthetic
 * golden-path user (one connection, 40 runs of seven events, six in flight, built
 * before timing), its finish included.
 *
 * Run by `npm run bench -- --section k6` (bench/k6Section.ts), which bundles it like
 * the load scripts and reads the figures from the summary: the gauges below, in
 * microseconds per event. `-e EVENTS=N` changes the stream length.
 */
import { Gauge } from "k6/metrics";
import { checkStreamSessions, parseStreamSessions } from "./streamSessions.ts";
import { syntheticStream } from "./syntheticStream.ts";

const parseMicroseconds = new Gauge("bench_parse_us_per_event");
const checkerMicroseconds = new Gauge("bench_checker_us_per_event");
const eventCount = new Gauge("bench_events");

export const options = { vus: 1, iterations: 1 };

/** Runs per session, as golden-path's profile: one checker per session, as in a VU. */
const RUNS_PER_SESSION = 40;

export default function (): void {
  const events = Number(__ENV["EVENTS"] ?? "21000");
  const frames = syntheticStream(RUNS_PER_SESSION);
  const sessions = Math.max(1, Math.round(events / frames.length));
  const eventsTimed = sessions * frames.length;
  const parseOnce = (): number => {
    const startedMs = Date.now();
    if (parseStreamSessions(frames, sessions) === 0) throw new Error("unreachable");
    return Date.now() - startedMs;
  };
  const checkOnce = (): number => {
    const startedMs = Date.now();
    checkStreamSessions(frames, sessions);
    return Date.now() - startedMs;
  };
  // A warm-up pass of each, then the best of two timed passes.
  parseOnce();
  checkOnce();
  const parseMs = Math.min(parseOnce(), parseOnce());
  const checkMs = Math.min(checkOnce(), checkOnce());
  parseMicroseconds.add((parseMs * 1000) / eventsTimed);
  checkerMicroseconds.add(((checkMs - parseMs) * 1000) / eventsTimed);
  eventCount.add(eventsTimed);
}

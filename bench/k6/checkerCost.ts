/**
 * A k6 script that measures, inside a k6 VU, what the load scripts pay per event:
 * JSON.parse of the frame, then the shared checker (validation + invariants), the
 * way load/lib/agentSession.ts feeds it: the lazy checker (quiet on this healthy
 * stream: what every healthy session pays), and beside it the full checker (what a
 * session pays once its lazy checker engaged). One checker per session of a synthetic
 * golden-path user (one connection, 40 runs of seven events, six in flight, built
 * before timing), its finish included.
 *
 * Run by `npm run bench -- --section k6` (bench/k6Section.ts), which bundles it like
 * the load scripts and reads the figures from the summary: the gauges below, in
 * microseconds per event. `-e EVENTS=N` changes the stream length.
 */
import { Gauge } from "k6/metrics";
import { checkStreamSessions, parseStreamSessions, type SessionChecker } from "./streamSessions.ts";
import { syntheticStream } from "./syntheticStream.ts";

const parseMicroseconds = new Gauge("bench_parse_us_per_event");
const checkerMicroseconds = new Gauge("bench_checker_us_per_event");
const fullCheckerMicroseconds = new Gauge("bench_full_checker_us_per_event");
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
  const checkOnce = (which: SessionChecker): number => {
    const startedMs = Date.now();
    checkStreamSessions(frames, { sessions, checker: which });
    return Date.now() - startedMs;
  };
  // A warm-up pass of each, then the best of two timed passes.
  parseOnce();
  checkOnce("lazy");
  checkOnce("full");
  const parseMs = Math.min(parseOnce(), parseOnce());
  const lazyMs = Math.min(checkOnce("lazy"), checkOnce("lazy"));
  const fullMs = Math.min(checkOnce("full"), checkOnce("full"));
  parseMicroseconds.add((parseMs * 1000) / eventsTimed);
  checkerMicroseconds.add(((lazyMs - parseMs) * 1000) / eventsTimed);
  fullCheckerMicroseconds.add(((fullMs - parseMs) * 1000) / eventsTimed);
  eventCount.add(eventsTimed);
}

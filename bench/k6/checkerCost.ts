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
import { VU_CHECKER_OPTIONS } from "../../protocol/checker/CheckerOptions.ts";
import { createChecker } from "../../protocol/checker/createChecker.ts";
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
    let sink = 0;
    for (let session = 0; session < sessions; session += 1) {
      for (let index = 0; index < frames.length; index += 1) sink += (JSON.parse(frames[index] as string) as { type: string }).type.length;
    }
    if (sink === 0) throw new Error("unreachable");
    return Date.now() - startedMs;
  };
  const checkOnce = (): number => {
    const startedMs = Date.now();
    for (let session = 0; session < sessions; session += 1) {
      const checker = createChecker(VU_CHECKER_OPTIONS);
      checker.connectionOpened({ connectionId: "c1", deviceId: "d1", userId: "u1", atMs: 1 });
      for (let index = 0; index < frames.length; index += 1) {
        checker.serverFrame("c1", JSON.parse(frames[index] as string), { receivedAtMs: 1_700_000_000_000 + index });
      }
      const verdict = checker.finish({ atMs: 1_700_000_000_000 + frames.length, requireRunsComplete: true });
      if (!verdict.ok) throw new Error(`the synthetic stream must pass the checker: ${JSON.stringify(verdict.safety.slice(0, 2))}`);
    }
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

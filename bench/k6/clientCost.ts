/**
 * A k6 script that measures, inside a k6 VU, what the event client (protocol/client)
 * costs per event: `receive` of an already-parsed frame (resume point, dedup, ack pacing,
 * the app callback), for a synthetic golden-path user (bench/k6/syntheticStream.ts): one
 * client per session, acking every 20 events, and a second pass where every event arrives
 * twice (a replay overlap: half the frames are dropped duplicates). Frames are parsed once,
 * before timing, so the figure is the client's own.
 *
 * Run by `npm run bench -- --section k6` (bench/k6Section.ts); the gauges are
 * microseconds per frame. `-e EVENTS=N` changes the number of frames timed.
 */
import { Gauge } from "k6/metrics";
import { createEventClient } from "../../protocol/client/createEventClient.ts";
import { syntheticStream } from "./syntheticStream.ts";

const clientMicroseconds = new Gauge("bench_client_us_per_event");
const clientDuplicateMicroseconds = new Gauge("bench_client_us_per_frame_with_duplicates");
const frameCount = new Gauge("bench_client_frames");

export const options = { vus: 1, iterations: 1 };

const RUNS_PER_SESSION = 40;

export default function (): void {
  const events = Number(__ENV["EVENTS"] ?? "200000");
  const frames: unknown[] = syntheticStream(RUNS_PER_SESSION).map((text) => JSON.parse(text) as unknown);
  const sessions = Math.max(1, Math.round(events / frames.length));
  let delivered = 0;
  let acks = 0;
  const transport = { send: () => void (acks += 1) };
  const runOnce = (copies: number): number => {
    const startedMs = Date.now();
    for (let session = 0; session < sessions; session += 1) {
      const client = createEventClient({ ackEveryEvents: 20, onEvent: () => void (delivered += 1) });
      client.socketOpened(transport);
      for (let index = 0; index < frames.length; index += 1) {
        for (let copy = 0; copy < copies; copy += 1) client.receive(frames[index]);
      }
    }
    return Date.now() - startedMs;
  };
  runOnce(1);
  const singleMs = Math.min(runOnce(1), runOnce(1));
  const doubleMs = Math.min(runOnce(2), runOnce(2));
  const eventsPerPass = sessions * (frames.length - 1);
  if (delivered !== eventsPerPass * 5 || acks === 0) throw new Error(`the client must deliver every event once per pass: ${delivered} for ${eventsPerPass} x 5`);
  clientMicroseconds.add((singleMs * 1000) / (sessions * frames.length));
  clientDuplicateMicroseconds.add((doubleMs * 1000) / (2 * sessions * frames.length));
  frameCount.add(sessions * frames.length);
}

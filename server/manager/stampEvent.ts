/**
 * The stamped event's layout, in one place: its keys in wire order. The in-process broker
 * stamps an object (and serializes it with JSON.stringify); the Redis broker cannot, since
 * Redis assigns seq and epoch inside its append script, so it sends the same layout as the
 * text around them ({@link frameTextAround}). Both give byte-identical frames.
 */
import type { AgentEvent } from "../../protocol/frames.ts";
import type { UnstampedEvent } from "../ports/streamBroker.ts";

/** The event with its broker-assigned seq and epoch, keys in wire order. */
export function stampEvent(unstamped: UnstampedEvent, stamp: { seq: number; epoch: string }): AgentEvent {
  return {
    type: unstamped.type,
    seq: stamp.seq,
    epoch: stamp.epoch,
    run_id: unstamped.run_id,
    user_id: unstamped.user_id,
    ts: unstamped.ts,
    data: unstamped.data,
  } as AgentEvent;
}

/**
 * JSON.stringify(stampEvent(event, stamp)) split around the stamp: `head + seq + ',"epoch":"' + epoch + '"' + tail`
 * (an epoch is `e-` and hex digits, so it needs no escaping).
 */
export function frameTextAround(unstamped: UnstampedEvent): { head: string; tail: string } {
  return {
    head: `{"type":${JSON.stringify(unstamped.type)},"seq":`,
    tail: `,"run_id":${JSON.stringify(unstamped.run_id)},"user_id":${JSON.stringify(unstamped.user_id)},"ts":${unstamped.ts},"data":${JSON.stringify(unstamped.data)}}`,
  };
}

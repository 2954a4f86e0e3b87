import type { Clock } from "../../../server/ports/clock.ts";
import type { Scheduler, TimerHandle } from "../../../server/ports/scheduler.ts";
import type { NetworkSide } from "../NetworkTraceLine.ts";
import { FifoQueue } from "../FifoQueue.ts";
import type { SimFrame } from "./SimFrame.ts";

/** Receives frames as they arrive. */
export interface SimFrameSink {
  frameArrived(frame: SimFrame, to: NetworkSide): void;
}

/**
 * Frames that have left one end and not yet reached the other, in one direction.
 * FIFO under jitter: a frame arrives at departure + its drawn delay, but never before
 * the frame ahead of it. One timer at a time (the head's arrival), armed through a
 * callback bound once, so a frame costs one timer and no closure.
 */
export class SimInFlight {
  private readonly frames = new FifoQueue<SimFrame>();
  private readonly time: Clock & Scheduler;
  private readonly sink: SimFrameSink;
  private readonly to: NetworkSide;
  private readonly arriveBound: () => void;
  private lastArrivalMs = 0;
  private timer: TimerHandle | undefined = undefined;

  constructor(time: Clock & Scheduler, sink: SimFrameSink, to: NetworkSide) {
    this.time = time;
    this.sink = sink;
    this.to = to;
    this.arriveBound = () => this.arrive();
  }

  /** Frames in flight. */
  get length(): number {
    return this.frames.length;
  }

  /** Puts `frame` on the wire now. */
  depart(frame: SimFrame): void {
    const nowMs = this.time.nowMs();
    const arrivalMs = Math.max(nowMs + frame.delayMs, this.lastArrivalMs);
    frame.arrivalMs = arrivalMs;
    this.lastArrivalMs = arrivalMs;
    this.frames.push(frame);
    if (this.frames.length === 1) this.timer = this.time.after(arrivalMs - nowMs, this.arriveBound);
  }

  /** Removes every frame in flight (oldest first) and disarms the timer. */
  drain(): SimFrame[] {
    this.timer?.cancel();
    this.timer = undefined;
    return this.frames.drain();
  }

  private arrive(): void {
    this.timer = undefined;
    const frame = this.frames.shift() as SimFrame;
    // Arm the next arrival before delivering: the handler may sever the connection, which drains and disarms.
    const next = this.frames.peek();
    if (next !== undefined) this.timer = this.time.after(next.arrivalMs - this.time.nowMs(), this.arriveBound);
    this.sink.frameArrived(frame, this.to);
  }
}

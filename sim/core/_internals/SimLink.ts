import type { Clock } from "../../../server/ports/clock.ts";
import type { Scheduler, TimerHandle } from "../../../server/ports/scheduler.ts";
import { SimAssertionError } from "../SimAssertionError.ts";
import { FifoQueue } from "../FifoQueue.ts";
import type { SimFrame } from "./SimFrame.ts";
import type { SimInFlight } from "./SimInFlight.ts";

/**
 * The server's send queue on one connection: frames wait here until the link has
 * carried their bytes, then depart into the in-flight direction.
 *
 * Capacity model, integers only: each virtual ms is a tick carrying
 * `bandwidthBytesPerMs` bytes. A frame departs in the tick that carries its last
 * byte; the current tick's capacity is usable at once, so at the default bandwidth
 * a small frame departs in the ms it was sent. Control frames are 0 bytes but still
 * wait behind data (FIFO), as they do in a real socket.
 *
 * `bufferedBytes` is derived from the queue: the bytes of queued frames minus the
 * head's bytes already carried. `queuedBytes` is updated only where the queue
 * itself is pushed, shifted or drained, so it cannot drift from the queue.
 */
export class SimLink {
  private readonly queue = new FifoQueue<SimFrame>();
  private readonly time: Clock & Scheduler;
  private readonly downstream: SimInFlight;
  private readonly pumpBound: () => void;
  private bandwidthBytesPerMs: number;
  private queuedBytes = 0;
  /** Bytes of the head frame already carried, ticks up to and including `tickMs`. */
  private headSentBytes = 0;
  /** The tick whose capacity was last used. */
  private tickMs: number;
  /** Capacity of `tickMs` already used, bytes. */
  private tickUsedBytes = 0;
  private timer: TimerHandle | undefined = undefined;
  private timerDueMs = -1;

  constructor(time: Clock & Scheduler, downstream: SimInFlight, bandwidthBytesPerMs: number) {
    this.time = time;
    this.downstream = downstream;
    this.bandwidthBytesPerMs = bandwidthBytesPerMs;
    this.tickMs = time.nowMs();
    this.pumpBound = () => {
      this.timer = undefined;
      this.timerDueMs = -1;
      this.pump();
    };
  }

  /** Frames waiting to depart. */
  get length(): number {
    return this.queue.length;
  }

  /** Queues `frame` behind everything already queued; it departs as soon as the link carries it. */
  enqueue(frame: SimFrame): void {
    // Ticks that passed before this frame existed carried only what was queued then.
    this.advanceTick(this.time.nowMs());
    this.queue.push(frame);
    this.queuedBytes += frame.bytes;
    this.pump();
  }

  /** Bytes not yet departed, as of now. */
  bufferedBytes(): number {
    this.pump();
    return this.queuedBytes - this.headSentBytes;
  }

  /** Changes the rate from now on; bytes already carried stay carried. */
  setBandwidth(bytesPerMs: number): void {
    this.pump();
    this.bandwidthBytesPerMs = bytesPerMs;
    if (this.tickUsedBytes > bytesPerMs) this.tickUsedBytes = bytesPerMs;
    this.pump();
  }

  /** Removes every queued frame (oldest first) and disarms the timer. */
  drain(): SimFrame[] {
    this.timer?.cancel();
    this.timer = undefined;
    this.timerDueMs = -1;
    this.queuedBytes = 0;
    this.headSentBytes = 0;
    return this.queue.drain();
  }

  /**
   * Spends the capacity of every tick up to now on the queue, departing the frames
   * it completes, then arms the timer for the head's departure tick. Idempotent
   * within one ms.
   */
  private pump(): void {
    const nowMs = this.time.nowMs();
    const bandwidth = this.bandwidthBytesPerMs;
    this.advanceTick(nowMs);
    for (;;) {
      const head = this.queue.peek();
      if (head === undefined) break;
      const remainingBytes = head.bytes - this.headSentBytes;
      if (remainingBytes < 0) throw new SimAssertionError("SimLink: the head frame was carried past its end");
      const freeBytes = bandwidth - this.tickUsedBytes;
      if (remainingBytes > freeBytes) {
        this.headSentBytes += freeBytes;
        this.tickUsedBytes = bandwidth;
        break;
      }
      this.tickUsedBytes += remainingBytes;
      this.headSentBytes = 0;
      this.queue.shift();
      this.queuedBytes -= head.bytes;
      this.downstream.depart(head);
    }
    this.armTimer(nowMs);
  }

  /** Spends the capacity of the ticks before `nowMs` on the head, and makes `nowMs` the current tick. */
  private advanceTick(nowMs: number): void {
    if (this.tickMs === nowMs) return;
    // The departure timer fires in the tick the head completes, so past ticks
    // can only have carried part of the head: never past its end (asserted in pump).
    if (this.queue.length > 0) {
      this.headSentBytes += this.bandwidthBytesPerMs - this.tickUsedBytes + (nowMs - this.tickMs - 1) * this.bandwidthBytesPerMs;
    }
    this.tickMs = nowMs;
    this.tickUsedBytes = 0;
  }

  private armTimer(nowMs: number): void {
    const head = this.queue.peek();
    if (head === undefined) {
      this.timer?.cancel();
      this.timer = undefined;
      this.timerDueMs = -1;
      return;
    }
    // The current tick is full (the loop above stopped on it): the head needs whole later ticks.
    const dueMs = nowMs + Math.ceil((head.bytes - this.headSentBytes) / this.bandwidthBytesPerMs);
    if (this.timer !== undefined && this.timerDueMs === dueMs) return;
    this.timer?.cancel();
    this.timer = this.time.after(dueMs - nowMs, this.pumpBound);
    this.timerDueMs = dueMs;
  }
}

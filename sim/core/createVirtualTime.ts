/**
 * Virtual time: the simulator's Clock and Scheduler in one object. Nothing moves
 * unless the simulator runs a timer; running a timer moves the clock to its due
 * time. All times are integer ms since the Unix epoch.
 */
import type { Clock } from "../../server/ports/clock.ts";
import type { Scheduler, TimerHandle } from "../../server/ports/scheduler.ts";
import { MinHeap } from "./_internals/MinHeap.ts";
import { SimAssertionError } from "./SimAssertionError.ts";

/** Default start of virtual time, ms since the Unix epoch (Nov 2023), so event `ts` look real. */
export const virtualTimeStartMsDefault = 1_700_000_000_000;

/** Default bound on timers one {@link VirtualTime.runUntil} call may run before it gives up. */
export const virtualTimeRunStepsMaxDefault = 10_000_000;

/**
 * Cancelled timers stay in the heap until popped (lazy deletion). Once more than
 * this many are dead AND they outnumber the live ones, the heap is rebuilt, so a
 * manager that re-arms a heartbeat on every frame cannot grow it without bound.
 */
const cancelledTimersCompactMin = 1024;

/** Options of {@link createVirtualTime}. */
export interface VirtualTimeOptions {
  /** Initial clock reading, integer ms since the Unix epoch. Default {@link virtualTimeStartMsDefault}. */
  startMs?: number;
}

/** Why a bounded run returned. */
export type VirtualTimeStopReason =
  /** No live timer is left. */
  | "idle"
  /** The next live timer is due after the `untilMs` horizon; the clock was moved to the horizon. */
  | "untilMs"
  /** `maxSteps` timers ran and at least one more was due within the horizon (a livelock, or a bound set too low). */
  | "maxSteps";

/**
 * Names a timer from its delay and callback, for reports of timers left armed (see
 * {@link VirtualTime.labelled}). Called only when timers are listed, never per timer set.
 */
export type TimerNamer = (delayMs: number, callback: () => void) => string;

/** One live timer, as {@link VirtualTime.armedTimers} lists it. */
export interface ArmedTimer {
  readonly dueMs: number;
  readonly delayMs: number;
  /** From the namer of the scheduler that set it; "sim" for timers set on the VirtualTime itself. */
  readonly name: string;
}

/** Result of a bounded run: data, so the caller decides whether `maxSteps` is a failure. */
export interface VirtualTimeRunResult {
  readonly stoppedBy: VirtualTimeStopReason;
  /** Timers run by this call. */
  readonly steps: number;
  /** Clock reading when the call returned, ms. */
  readonly nowMs: number;
}

/** Options of {@link VirtualTime.runUntilIdle}. Both bounds are required: every run is bounded. */
export interface VirtualTimeRunUntilIdleOptions {
  /** Most timers to run in this call. */
  maxSteps: number;
  /** Horizon, ms since the Unix epoch: timers due later are left pending. */
  untilMs: number;
}

/**
 * A virtual clock and timer queue (the `Clock` and `Scheduler` ports). Timers run in
 * (due time, insertion order); a cancelled timer never runs; a timer set with delay 0
 * (or a negative delay, clamped to 0) runs at the current time after every timer already
 * due then. Runs are single-threaded: a timer callback may set and cancel timers but
 * must not call the run methods (asserted).
 */
export interface VirtualTime extends Clock, Scheduler {
  /** Current virtual time, integer ms since the Unix epoch. Never moves backwards. */
  nowMs(): number;
  /**
   * Runs `callback` once at `nowMs() + delayMs`. `delayMs` must be an integer
   * (asserted: integer ms everywhere); a negative one is clamped to 0.
   */
  after(delayMs: number, callback: () => void): TimerHandle;
  /** Runs the next live timer, moving the clock to its due time. False when none is pending. */
  runNext(): boolean;
  /**
   * Runs every timer due at or before `timeMs` (including ones those timers set), then
   * moves the clock to `timeMs`. Bounded by `maxSteps` (default {@link virtualTimeRunStepsMaxDefault});
   * when the bound stops it the clock stays at the last timer run.
   */
  runUntil(timeMs: number, options?: { maxSteps?: number }): VirtualTimeRunResult;
  /**
   * Runs timers until none is left (clock stays at the last one run), the next is due
   * after `untilMs` (clock moves to `untilMs`), or `maxSteps` timers ran.
   */
  runUntilIdle(options: VirtualTimeRunUntilIdleOptions): VirtualTimeRunResult;
  /** Live (set, not yet run, not cancelled) timers. */
  pendingTimers(): number;
  /** Due time of the next live timer, ms; undefined when none. */
  nextDueMs(): number | undefined;
  /** Due time of the last live timer, ms; undefined when none (O(n), no sort, no names). */
  latestDueMs(): number | undefined;
  /**
   * A Scheduler onto this clock whose timers carry `namer`, so {@link armedTimers} can
   * say whose they are. Same queue, same order: using it changes no timing.
   */
  labelled(namer: TimerNamer): Scheduler;
  /** Every live timer with its due time and name, in due order (O(n log n); for reports, not hot paths). */
  armedTimers(): ArmedTimer[];
}

/** Creates a {@link VirtualTime} starting at `options.startMs`. */
export function createVirtualTime(options: VirtualTimeOptions = {}): VirtualTime {
  const startMs = options.startMs ?? virtualTimeStartMsDefault;
  if (!Number.isSafeInteger(startMs) || startMs < 0) {
    throw new SimAssertionError(`createVirtualTime: startMs must be a non-negative integer, got ${startMs}`);
  }
  return new VirtualTimeImpl(startMs);
}

/** One timer: its own handle. `callback` undefined means it ran or was cancelled. */
class VirtualTimer implements TimerHandle {
  readonly dueMs: number;
  readonly sequence: number;
  callback: (() => void) | undefined;
  /** Set by a {@link VirtualTime.labelled} scheduler. */
  namer: TimerNamer | undefined = undefined;
  private readonly owner: VirtualTimeImpl;

  constructor(
    owner: VirtualTimeImpl,
    dueMs: number,
    sequence: number,
    callback: () => void,
    /** The delay it was set with, ms (clamped at 0). */
    readonly delayMs: number,
  ) {
    this.owner = owner;
    this.dueMs = dueMs;
    this.sequence = sequence;
    this.callback = callback;
  }

  cancel(): void {
    if (this.callback === undefined) return;
    this.callback = undefined;
    this.owner.timerCancelled();
  }
}

function timerRunsFirst(left: VirtualTimer, right: VirtualTimer): boolean {
  return left.dueMs < right.dueMs || (left.dueMs === right.dueMs && left.sequence < right.sequence);
}

function timerIsLive(timer: VirtualTimer): boolean {
  return timer.callback !== undefined;
}

class VirtualTimeImpl implements VirtualTime {
  private currentMs: number;
  private sequenceNext = 0;
  private liveTimers = 0;
  private cancelledTimersInHeap = 0;
  private running = false;
  private readonly heap = new MinHeap<VirtualTimer>(timerRunsFirst);

  constructor(startMs: number) {
    this.currentMs = startMs;
  }

  nowMs(): number {
    return this.currentMs;
  }

  after(delayMs: number, callback: () => void): TimerHandle {
    if (!Number.isSafeInteger(delayMs)) {
      throw new SimAssertionError(`VirtualTime.after: delayMs must be an integer number of ms, got ${delayMs}`);
    }
    const clampedMs = delayMs > 0 ? delayMs : 0;
    const timer = new VirtualTimer(this, this.currentMs + clampedMs, this.sequenceNext, callback, clampedMs);
    this.sequenceNext += 1;
    this.liveTimers += 1;
    this.heap.push(timer);
    return timer;
  }

  runNext(): boolean {
    this.assertNotRunning("runNext");
    const timer = this.peekLive();
    if (timer === undefined) return false;
    this.runTimer(timer);
    return true;
  }

  runUntil(timeMs: number, options: { maxSteps?: number } = {}): VirtualTimeRunResult {
    this.assertNotRunning("runUntil");
    if (!Number.isSafeInteger(timeMs) || timeMs < this.currentMs) {
      throw new SimAssertionError(`VirtualTime.runUntil: timeMs must be an integer >= now (${this.currentMs}), got ${timeMs}`);
    }
    const result = this.runBounded(options.maxSteps ?? virtualTimeRunStepsMaxDefault, timeMs);
    return result.stoppedBy === "idle" ? this.stopAtHorizon(timeMs, result.steps) : result;
  }

  runUntilIdle(options: VirtualTimeRunUntilIdleOptions): VirtualTimeRunResult {
    this.assertNotRunning("runUntilIdle");
    if (!Number.isSafeInteger(options.untilMs) || options.untilMs < this.currentMs) {
      throw new SimAssertionError(`VirtualTime.runUntilIdle: untilMs must be an integer >= now (${this.currentMs}), got ${options.untilMs}`);
    }
    return this.runBounded(options.maxSteps, options.untilMs);
  }

  pendingTimers(): number {
    return this.liveTimers;
  }

  nextDueMs(): number | undefined {
    return this.peekLive()?.dueMs;
  }

  latestDueMs(): number | undefined {
    let latestMs: number | undefined;
    for (const timer of this.heap.toArray()) if (timerIsLive(timer) && (latestMs === undefined || timer.dueMs > latestMs)) latestMs = timer.dueMs;
    return latestMs;
  }

  labelled(namer: TimerNamer): Scheduler {
    return {
      after: (delayMs, callback) => {
        const timer = this.after(delayMs, callback) as VirtualTimer;
        timer.namer = namer;
        return timer;
      },
    };
  }

  armedTimers(): ArmedTimer[] {
    return this.heap
      .toArray()
      .filter(timerIsLive)
      .sort((left, right) => (timerRunsFirst(left, right) ? -1 : 1))
      .map((timer) => ({
        dueMs: timer.dueMs,
        delayMs: timer.delayMs,
        name: timer.namer === undefined ? "sim" : timer.namer(timer.delayMs, timer.callback as () => void),
      }));
  }

  /** Called by a timer's first `cancel()`. */
  timerCancelled(): void {
    this.liveTimers -= 1;
    this.cancelledTimersInHeap += 1;
    if (this.cancelledTimersInHeap > cancelledTimersCompactMin && this.cancelledTimersInHeap > this.liveTimers) {
      this.heap.retain(timerIsLive);
      this.cancelledTimersInHeap = 0;
    }
  }

  private runBounded(maxSteps: number, untilMs: number): VirtualTimeRunResult {
    if (!Number.isSafeInteger(maxSteps) || maxSteps < 0) {
      throw new SimAssertionError(`VirtualTime: maxSteps must be a non-negative integer, got ${maxSteps}`);
    }
    let steps = 0;
    for (;;) {
      const timer = this.peekLive();
      if (timer === undefined) return { stoppedBy: "idle", steps, nowMs: this.currentMs };
      if (timer.dueMs > untilMs) return this.stopAtHorizon(untilMs, steps);
      if (steps >= maxSteps) return { stoppedBy: "maxSteps", steps, nowMs: this.currentMs };
      this.runTimer(timer);
      steps += 1;
    }
  }

  private stopAtHorizon(untilMs: number, steps: number): VirtualTimeRunResult {
    this.currentMs = untilMs;
    return { stoppedBy: "untilMs", steps, nowMs: untilMs };
  }

  /** The next live timer, left in the heap; pops dead ones on the way. */
  private peekLive(): VirtualTimer | undefined {
    for (;;) {
      const top = this.heap.peek();
      if (top === undefined || top.callback !== undefined) return top;
      this.heap.pop();
      this.cancelledTimersInHeap -= 1;
    }
  }

  /** Runs `timer`, which must be the heap's top and live. */
  private runTimer(timer: VirtualTimer): void {
    this.heap.pop();
    const callback = timer.callback as () => void;
    timer.callback = undefined;
    this.liveTimers -= 1;
    // Due times are set from `now` and horizons never pass a pending timer, so this never goes back.
    if (timer.dueMs < this.currentMs) throw new SimAssertionError("VirtualTime: a timer was due in the past");
    this.currentMs = timer.dueMs;
    this.running = true;
    try {
      callback();
    } finally {
      this.running = false;
    }
  }

  private assertNotRunning(method: string): void {
    if (this.running) throw new SimAssertionError(`VirtualTime.${method} called from inside a timer callback`);
  }
}

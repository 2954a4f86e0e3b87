import { globalIndexOf } from "../options/executionSegment.ts";
import type { ScenarioConfig } from "../options/scenarioConfig.ts";
import { realTime } from "../realTime.ts";
import type { ScenarioAssignment, VirtualUser } from "../vu/virtualUser.ts";
import type { ExecutionControl } from "./executionControl.ts";
import { runIteration, type IterationResult } from "./runIteration.ts";

/**
 * The clock and VU bookkeeping of one running scenario, shared by all
 * executors. It has a regular end (`duration` / `maxDuration` / the stages)
 * after which no iteration starts, and a hard end `gracefulStop` later at
 * which running iterations are interrupted. Aborting the run ends both at once.
 */
export class ScenarioRun {
  readonly config: ScenarioConfig;
  readonly control: ExecutionControl;
  readonly startedMonotonicMs = realTime.monotonicMs();
  readonly regularDurationMs: number;
  /** Resolves at the regular end (or when the run aborts). */
  readonly regularEnd: Promise<void>;
  private readonly startedEpochMs = realTime.epochMs();
  private readonly activeVus = new Set<VirtualUser>();
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly unsubscribe: () => void;
  private readonly progress: () => number;
  private resolveRegularEnd: () => void = () => undefined;
  private regularOver = false;
  private hardOver = false;
  private localIterations = 0;

  constructor(config: ScenarioConfig, control: ExecutionControl, timing: { regularDurationMs: number; progress: (run: ScenarioRun) => number }) {
    this.config = config;
    this.control = control;
    this.regularDurationMs = timing.regularDurationMs;
    this.progress = () => timing.progress(this);
    this.regularEnd = new Promise((resolve) => {
      this.resolveRegularEnd = resolve;
    });
    this.timers.push(realTime.setTimeout(() => this.endRegular(), timing.regularDurationMs));
    this.timers.push(realTime.setTimeout(() => this.endHard(), timing.regularDurationMs + config.gracefulStop));
    this.unsubscribe = control.onStopping(() => this.endHard());
  }

  /** Milliseconds since the scenario started. */
  elapsedMs(): number {
    return realTime.monotonicMs() - this.startedMonotonicMs;
  }

  /** False after the regular end or once the run aborts: no new iteration may start. */
  canStartIteration(): boolean {
    return !this.regularOver && !this.hardOver && !this.control.isStopping();
  }

  /** False after the hard end: even a VU inside its graceful window must stop. */
  isHardOver(): boolean {
    return this.hardOver || this.control.isStopping();
  }

  /** Borrows a VU from the pool and puts it under this scenario. */
  async borrowVu(): Promise<VirtualUser> {
    const vu = await this.control.pool.acquire();
    this.adopt(vu);
    return vu;
  }

  /** Gives a VU back to the pool. */
  returnVu(vu: VirtualUser): void {
    this.activeVus.delete(vu);
    vu.leaveScenario();
    this.control.pool.release(vu);
  }

  /** Runs one iteration on `vu` unless the hard end has passed. */
  async iterate(vu: VirtualUser): Promise<IterationResult> {
    if (this.isHardOver()) return "interrupted";
    return runIteration(vu, this.control);
  }

  /** Emits `dropped_iterations` (k6 tags it with the scenario, and the VU for per-VU executors). */
  dropIterations(count: number, vu?: VirtualUser): void {
    if (count <= 0) return;
    const tags: Record<string, string> = { scenario: this.config.name, ...this.config.tags };
    if (vu !== undefined) tags["vu"] = String(vu.idInInstance);
    this.control.registry.addSample(this.control.builtin.dropped_iterations, count, tags);
  }

  /** Stops the scenario's timers; call once every VU is back. */
  dispose(): void {
    for (const timer of this.timers) realTime.clearTimeout(timer);
    this.unsubscribe();
    this.endRegular();
  }

  private adopt(vu: VirtualUser): void {
    this.activeVus.add(vu);
    vu.enterScenario(this.assignment());
  }

  private assignment(): ScenarioAssignment {
    return {
      name: this.config.name,
      executor: this.config.executor,
      startTimeEpochMs: this.startedEpochMs,
      tags: this.config.tags,
      env: this.config.env,
      exec: this.config.exec,
      progress: this.progress,
      nextIterationNumbers: () => {
        const inInstance = this.localIterations;
        this.localIterations += 1;
        return { inInstance, inTest: globalIndexOf(this.control.tuple, inInstance + 1) - 1 };
      },
    };
  }

  private endRegular(): void {
    if (this.regularOver) return;
    this.regularOver = true;
    this.resolveRegularEnd();
  }

  private endHard(): void {
    this.endRegular();
    this.hardOver = true;
    for (const vu of this.activeVus) vu.interrupt();
  }
}

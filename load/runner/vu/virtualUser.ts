import { IterationScope, type ScopeOutcome } from "./iterationScope.ts";

/** The scenario a VU is currently running for, as `k6/execution`'s `scenario` reports it. */
export interface ScenarioAssignment {
  name: string;
  executor: string;
  /** When the scenario started, in ms since the Unix epoch. */
  startTimeEpochMs: number;
  /** Extra sample tags from the scenario's `tags` option. */
  tags: Readonly<Record<string, string>>;
  /** Extra `__ENV` entries from the scenario's `env` option. */
  env: Readonly<Record<string, string>>;
  /** Name of the exported function each iteration calls. */
  exec: string;
  /** 0..1, how far the scenario has got. */
  progress(): number;
  /** Numbers the next iteration of this scenario: in this instance and across all instances (segments). */
  nextIterationNumbers(): { inInstance: number; inTest: number };
}

/**
 * One k6 virtual user: its own instance of the bundle (own module state and
 * globals), its ids, its iteration counters, and the scope of the function it
 * is running right now. The shim modules of this VU read everything from here.
 */
export class VirtualUser {
  /** Routes the VU's synthetic k6 modules to it (`bundle.js?k6vu=<run>.<instanceKey>`). */
  readonly instanceKey: string;
  /** `exec.vu.idInInstance` and `__VU`; 0 for the setup/teardown/summary instances. */
  readonly idInInstance: number;
  /** `exec.vu.idInTest`: unique across every instance of a segmented test. */
  readonly idInTest: number;
  /** The VU's `__ENV` object; mutated in place when it enters a scenario with its own `env`. */
  readonly env: Record<string, string>;
  /** True while the bundle's top level runs (k6's init context). */
  initializing = true;
  /** The exports of this VU's bundle instance, set once it has loaded. */
  exports: Readonly<Record<string, unknown>> = {};
  /** The scope of the function running now; undefined in the init context and between iterations. */
  scope: IterationScope | undefined = undefined;
  /** The current `group()` path (`""` at the root, `::outer::inner` inside groups). */
  groupPath = "";
  /** `exec.vu.iterationInInstance` and `__ITER`: iterations started by this VU, minus one. */
  iterationInInstance = -1;
  /** `exec.vu.iterationInScenario`. */
  iterationInScenario = 0;
  /** `exec.scenario.iterationInInstance` / `iterationInTest` of the current iteration. */
  scenarioIteration: { inInstance: number; inTest: number } = { inInstance: 0, inTest: 0 };
  /** The scenario the VU runs for now, if any. */
  scenario: ScenarioAssignment | undefined = undefined;
  /** The setup data as this VU sees it (its own parsed copy, made once, like k6). */
  setupDataCopy: { value: unknown } | undefined = undefined;
  private readonly baseEnv: Readonly<Record<string, string>>;
  private readonly iterationListeners = new Set<(iteration: number) => void>();
  private readonly iterationsPerScenario = new Map<string, number>();

  constructor(identity: { instanceKey: string; idInInstance: number; idInTest: number; env: Readonly<Record<string, string>> }) {
    this.instanceKey = identity.instanceKey;
    this.idInInstance = identity.idInInstance;
    this.idInTest = identity.idInTest;
    this.baseEnv = identity.env;
    this.env = { ...identity.env };
  }

  /** Lets the VU's `__ITER` binding follow the iteration counter. */
  onIteration(listener: (iteration: number) => void): void {
    this.iterationListeners.add(listener);
  }

  /** Puts the VU under `scenario`: its env and tags apply until `leaveScenario`. */
  enterScenario(scenario: ScenarioAssignment): void {
    this.scenario = scenario;
    for (const key of Object.keys(this.env)) if (!(key in this.baseEnv)) delete this.env[key];
    Object.assign(this.env, this.baseEnv, scenario.env);
  }

  /** Returns the VU to the pool's neutral state. */
  leaveScenario(): void {
    this.scenario = undefined;
  }

  /** Advances every iteration counter before an iteration starts (as k6's incrIteration). */
  beginIteration(): void {
    const scenario = this.scenario;
    this.iterationInInstance += 1;
    if (scenario !== undefined) {
      const previous = this.iterationsPerScenario.get(scenario.name);
      const next = previous === undefined ? 0 : previous + 1;
      this.iterationsPerScenario.set(scenario.name, next);
      this.iterationInScenario = next;
      this.scenarioIteration = scenario.nextIterationNumbers();
    }
    for (const listener of this.iterationListeners) listener(this.iterationInInstance);
  }

  /** The tags of a sample emitted by this VU now: scenario, scenario tags, group, then `extra`. */
  sampleTags(extra: Readonly<Record<string, string>> = {}): Record<string, string> {
    const scenario = this.scenario;
    return {
      ...(scenario === undefined ? {} : { scenario: scenario.name, ...scenario.tags }),
      group: this.groupPath,
      ...extra,
    };
  }

  /** The running scope. @throws Error naming `what` when called from the init context (as k6 refuses it). */
  requireScope(what: string): IterationScope {
    if (this.scope === undefined || !this.scope.isOpen) {
      throw new Error(`${what} is not supported in the init context (outside of default(), setup(), teardown() and callbacks)`);
    }
    return this.scope;
  }

  /**
   * Runs one script function with k6 event-loop semantics (see IterationScope)
   * inside group `groupPath`, and resolves with how it ended.
   */
  async runScoped(run: () => unknown, options: { groupPath?: string } = {}): Promise<ScopeOutcome> {
    const scope = new IterationScope();
    this.scope = scope;
    this.groupPath = options.groupPath ?? "";
    scope.start(run);
    const outcome = await scope.finished;
    if (this.scope === scope) this.scope = undefined;
    this.groupPath = "";
    return outcome;
  }

  /** Cuts the running function short (gracefulStop expired, test aborted). */
  interrupt(): void {
    this.scope?.interrupt();
  }
}

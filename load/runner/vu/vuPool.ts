import type { VirtualUser } from "./virtualUser.ts";

/**
 * The run's initialized VUs. Scenarios borrow VUs and give them back, so a VU
 * (and its module state) can serve several scenarios one after the other,
 * as in k6. VUs are initialized up front (`initialize`, the planned count); should
 * a scenario need more, `acquire` initializes one more.
 */
export class VuPool {
  private readonly free: VirtualUser[] = [];
  private readonly everyVu: VirtualUser[] = [];
  private readonly createVu: (idInInstance: number) => Promise<VirtualUser>;
  private active = 0;
  private creating = 0;
  private nextIdInInstance = 1;

  private readonly onLend: () => void;

  /** `onLend` runs after every loan (the run samples its `vus` gauges then). */
  constructor(createVu: (idInInstance: number) => Promise<VirtualUser>, options: { onLend?: () => void } = {}) {
    this.createVu = createVu;
    this.onLend = options.onLend ?? (() => undefined);
  }

  /** VUs initialized so far (`vus_max`, `exec.instance.vusInitialized`). */
  get initializedCount(): number {
    return this.everyVu.length;
  }

  /** VUs lent to scenarios now (`vus`, `exec.instance.vusActive`). */
  get activeCount(): number {
    return this.active;
  }

  /** Initializes VUs until `count` exist, one after the other (each runs the init context). */
  async initialize(count: number): Promise<void> {
    while (this.everyVu.length + this.creating < count) this.free.push(await this.newVu());
  }

  /** Lends a free VU, initializing a new one when none is free. */
  async acquire(): Promise<VirtualUser> {
    this.active += 1;
    const vu = this.free.shift() ?? (await this.newVu());
    this.onLend();
    return vu;
  }

  /** Takes a VU back. */
  release(vu: VirtualUser): void {
    this.active -= 1;
    this.free.push(vu);
  }

  /** Every VU initialized so far. */
  all(): readonly VirtualUser[] {
    return this.everyVu;
  }

  private async newVu(): Promise<VirtualUser> {
    this.creating += 1;
    try {
      const idInInstance = this.nextIdInInstance;
      this.nextIdInInstance += 1;
      const vu = await this.createVu(idInInstance);
      this.everyVu.push(vu);
      return vu;
    } finally {
      this.creating -= 1;
    }
  }
}

/**
 * Thrown when the simulator catches a bug: in itself, or in how it is driven (a
 * reentrant run, a frame limit passed, a handler never wired). TigerBeetle style:
 * an assertion is a crash, never an expected condition, so a scenario runner can
 * classify it as such (exit code "crash") instead of as a protocol violation.
 */
export class SimAssertionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SimAssertionError";
  }
}

/**
 * Time port. The manager and the runtime read time only through this (STYLE rule 1):
 * the real adapter binds it to the system clock, the simulator to its virtual clock.
 */
export interface Clock {
  /** Current time in ms since the Unix epoch (integer in the simulator). */
  nowMs(): number;
}

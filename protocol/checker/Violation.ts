/** One broken invariant, as data. Formatting for people is the `message`; everything else is for machines. */
import type { InvariantName, ViolationCategory } from "./invariants.ts";

/**
 * One violation the checker found. `message` is one plain-English sentence naming
 * the user, the connection or device, the run and the seqs involved.
 */
export interface Violation {
  /** Which invariant (see INVARIANTS). */
  invariant: InvariantName;
  /** Its number in docs/protocol.md (1..9). */
  protocolNumber: number;
  /** safety and liveness fail the verdict; timing never does. */
  category: ViolationCategory;
  /** Sub-class within the invariant, e.g. "gap", "duplicate", "unpaired_completion" (see violationCountsByClass for the list). */
  kind: string;
  /** One sentence naming user, run and seqs. */
  message: string;
  userId?: string;
  connectionId?: string;
  deviceId?: string;
  runId?: string;
  /** The seqs involved, at most 32 (ranges are cut short; the message says how many). */
  seqs?: number[];
  /** When the checker saw it, in the caller's clock (ms). */
  atMs?: number;
}

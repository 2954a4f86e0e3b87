import type { SimDevice } from "./createSimDevice.ts";

/** One run a device asked for, and how far it got; filled in by the runtime's callbacks. */
export interface RunRequest {
  userId: string;
  requestId: string;
  device: SimDevice;
  scriptName: string;
  /** Set when the runtime started the run. */
  runId: string | null;
  completed: boolean;
}

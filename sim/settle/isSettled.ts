import type { SimDevice } from "../createSimDevice.ts";
import type { RunRequest } from "../RunRequest.ts";
import { deviceIsBehind } from "./deviceIsBehind.ts";
import type { StreamHeads } from "./StreamHeads.ts";

/** What the liveness probe looks at: every request, every device, the server's heads. */
export interface SettleProbeInput {
  requests: ReadonlyMap<string, RunRequest>;
  devices: readonly SimDevice[];
  streamHead: StreamHeads;
}

/** The liveness condition: every requested run completed and every device caught up with its user's stream head. */
export function isSettled(input: SettleProbeInput): boolean {
  for (const request of input.requests.values()) if (!request.completed) return false;
  for (const device of input.devices) if (deviceIsBehind(device, input.streamHead)) return false;
  return true;
}

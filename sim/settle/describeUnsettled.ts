import { deviceIsBehind } from "./deviceIsBehind.ts";
import type { SettleProbeInput } from "./isSettled.ts";

/** Why `isSettled` is false: the runs that never completed and the devices that never caught up. */
export function describeUnsettled(input: SettleProbeInput, settleMs: number): string {
  const open = [...input.requests.values()].filter((request) => !request.completed);
  const behind = input.devices.filter((device) => deviceIsBehind(device, input.streamHead));
  const parts = [
    open.length > 0 ? `${open.length} run(s) never completed (${open.map((request) => request.runId ?? `${request.requestId} not started`).join(", ")})` : "",
    behind.length > 0
      ? `${behind.length} device(s) never caught up (${behind.map((device) => `${device.deviceId} at ${JSON.stringify(device.position())} vs server ${JSON.stringify(input.streamHead(device.userId))}`).join("; ")})`
      : "",
  ].filter((part) => part !== "");
  return `not settled ${settleMs} ms after faults healed: ${parts.join("; ")}`;
}

import type { SimDevice } from "../createSimDevice.ts";
import type { StreamHeads } from "./StreamHeads.ts";

/** True when `device` is disconnected or its position differs from its user's stream head. */
export function deviceIsBehind(device: SimDevice, streamHead: StreamHeads): boolean {
  const position = device.position();
  const head = streamHead(device.userId);
  return !position.connected || position.epoch !== head?.epoch || position.lastSeq !== head.lastSeq;
}

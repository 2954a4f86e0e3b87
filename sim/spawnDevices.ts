import type { SimRandom } from "./core/createRandom.ts";
import type { VirtualTime } from "./core/createVirtualTime.ts";
import { createSimDevice, type SimDevice, type SimDeviceHost } from "./createSimDevice.ts";
import type { FaultPlan } from "./faults/FaultPlan.ts";
import type { Scenario } from "./scenario/scenarioSchema.ts";

/** Options of {@link spawnDevices}. */
export interface SpawnDevicesOptions {
  host: SimDeviceHost;
  time: VirtualTime;
  /** The "users" stream; each device forks its own stream from it by device id. */
  userRandom: SimRandom;
  /** Supplies the bounds of each device's drawn reconnect delay. */
  faultPlan: FaultPlan;
}

/**
 * Creates every user's devices (`u1-d1`, `u1-d2`, …) in user then device order and
 * schedules each one's first connect 0..20 ms in, drawn from its own stream.
 */
export function spawnDevices(scenario: Scenario, options: SpawnDevicesOptions): SimDevice[] {
  const devices: SimDevice[] = [];
  for (let userIndex = 0; userIndex < scenario.users; userIndex += 1) {
    const userId = `u${userIndex + 1}`;
    const deviceCount = Array.isArray(scenario.devicesPerUser) ? (scenario.devicesPerUser[userIndex] as number) : scenario.devicesPerUser;
    for (let deviceIndex = 0; deviceIndex < deviceCount; deviceIndex += 1) {
      devices.push(spawnDevice(userId, `${userId}-d${deviceIndex + 1}`, scenario, options));
    }
  }
  return devices;
}

function spawnDevice(userId: string, deviceId: string, scenario: Scenario, options: SpawnDevicesOptions): SimDevice {
  const { faultPlan } = options;
  const random = options.userRandom.fork(deviceId);
  const device = createSimDevice(options.host, {
    userId,
    deviceId,
    ackEveryEvents: scenario.ackEveryEvents,
    reconnectDelayMs: () => random.integer(faultPlan.reconnectDelayMsMin, faultPlan.reconnectDelayMsMax),
  });
  options.time.after(random.integer(0, 20), () => device.connect());
  return device;
}

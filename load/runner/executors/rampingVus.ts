import type { ScenarioConfig } from "../options/scenarioConfig.ts";
import { realTime } from "../realTime.ts";
import type { VirtualUser } from "../vu/virtualUser.ts";
import type { ExecutionControl } from "./executionControl.ts";
import { rampingSchedule } from "./rampingSchedule.ts";
import { ScenarioRun } from "./scenarioRun.ts";

type Config = Extract<ScenarioConfig, { executor: "ramping-vus" }>;

/** One VU slot of the ramp: slot k runs while the planned count is at least k. */
interface Slot {
  wanted: boolean;
  loop: Promise<void> | undefined;
  vu: VirtualUser | undefined;
  rampDownTimer: NodeJS.Timeout | undefined;
}

/**
 * ramping-vus: the number of looping VUs follows `stages` (see
 * rampingSchedule). A VU ramped down finishes its current iteration; if that
 * takes longer than `gracefulRampDown` it is interrupted. After the last stage
 * the usual `gracefulStop` applies.
 */
export async function runRampingVus(config: Config, control: ExecutionControl): Promise<void> {
  const steps = rampingSchedule(config, control.tuple);
  const totalMs = config.stages.reduce((sum, stage) => sum + stage.duration, 0);
  const scenario = new ScenarioRun(config, control, {
    regularDurationMs: totalMs,
    progress: (run) => (totalMs === 0 ? 1 : Math.min(1, run.elapsedMs() / totalMs)),
  });
  const slotCount = Math.max(0, ...steps.map((step) => step.vus));
  const slots: Slot[] = Array.from({ length: slotCount }, () => ({ wanted: false, loop: undefined, vu: undefined, rampDownTimer: undefined }));

  const loop = async (slot: Slot): Promise<void> => {
    const vu = await scenario.borrowVu();
    slot.vu = vu;
    while (slot.wanted && scenario.canStartIteration()) {
      await scenario.iterate(vu);
      await realTime.yieldToEventLoop();
    }
    slot.vu = undefined;
    scenario.returnVu(vu);
    if (slot.rampDownTimer !== undefined) realTime.clearTimeout(slot.rampDownTimer);
    slot.rampDownTimer = undefined;
    slot.loop = slot.wanted && scenario.canStartIteration() ? loop(slot) : undefined;
  };
  const setPlannedVus = (planned: number): void => {
    slots.forEach((slot, index) => {
      const wanted = index < planned;
      if (wanted === slot.wanted) return;
      slot.wanted = wanted;
      if (wanted) {
        if (slot.rampDownTimer !== undefined) realTime.clearTimeout(slot.rampDownTimer);
        slot.rampDownTimer = undefined;
        slot.loop ??= loop(slot);
        return;
      }
      if (slot.vu !== undefined && config.gracefulRampDown >= 0) {
        const vu = slot.vu;
        slot.rampDownTimer = realTime.setTimeout(() => {
          if (!slot.wanted && slot.vu === vu) vu.interrupt();
        }, config.gracefulRampDown);
      }
    });
  };

  const stepTimers = steps.map((step) => realTime.setTimeout(() => setPlannedVus(step.vus), step.atMs));
  await scenario.regularEnd;
  for (const timer of stepTimers) realTime.clearTimeout(timer);
  setPlannedVus(0);
  for (const slot of slots) if (slot.rampDownTimer !== undefined) realTime.clearTimeout(slot.rampDownTimer);
  while (slots.some((slot) => slot.loop !== undefined)) await Promise.all(slots.map((slot) => slot.loop));
  scenario.dispose();
}

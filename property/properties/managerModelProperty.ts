/**
 * Model-based test of the real connection manager (fc.commands): connect, resume,
 * disconnect, emit, ack, start, cancel, failed sends, time and restarts, with every
 * connection's received frames compared with the model (model/ManagerModel.ts) after
 * each command. Guards invariants 6-8 and the Delivery rules exactly, frame by frame:
 * isolation, order and exactly-once, completeness within the replay window,
 * resync_required on overflow or a new epoch, 1011 on a failed send, 1001 on restart.
 */
import fc from "fast-check";
import type { PropertyDefinition } from "../harness/PropertyDefinition.ts";
import { createManagerSystem } from "../model/createManagerSystem.ts";
import { managerCommandsArbitrary, type ManagerCommand, type ModelReal } from "../model/managerCommands.ts";
import { ManagerModel } from "../model/ManagerModel.ts";

/** A generated value: the seed of the system's id source, and the commands. */
export interface ManagerModelCase {
  seed: number;
  commands: Iterable<ManagerCommand>;
}

/** See the module comment. */
export const managerModelProperty: PropertyDefinition<ManagerModelCase> = {
  name: "manager-model",
  guards: "docs/protocol.md invariants 6-8 and Delivery, frame by frame: the real manager's output on every connection equals the model's after each command",
  invariants: [6, 7, 8],
  defaultRuns: 1_000,
  catches: ["duplicate-on-resume", "reorder-on-replay", "cross-user-leak", "lost-tool-completed-on-drop", "silent-gap-on-overflow", "resume-before-first-event", "epoch-mismatch-wrong-stream"],
  exercisedShareMin: 0.5,
  arbitrary: (options = {}) => fc.record({ seed: fc.nat({ max: 2 ** 32 - 1 }), commands: managerCommandsArbitrary(options.replayPath) }),
  check(value, context) {
    let commands = 0;
    try {
      fc.modelRun(() => {
        const system = createManagerSystem({ seed: value.seed, ...(context.plant === undefined ? {} : { plant: context.plant }) });
        const model = new ManagerModel();
        const real: ModelReal = { system, publishedDuringCommand: [] };
        system.onPublished = (event) => {
          real.publishedDuringCommand.push(event);
          model.published(event);
        };
        return { model, real };
      }, [...value.commands].map((command) => countRuns(command, () => (commands += 1))));
    } catch (error) {
      return { failure: `after ${commands} command(s): ${error instanceof Error ? error.message : String(error)}`, exercised: true };
    }
    return { failure: undefined, exercised: commands >= 5 };
  },
  counterexample(value, context) {
    // fast-check's own rendering: the commands that ran, then /*replayPath="…"*/.
    const rendered = String(value.commands);
    const replayPath = /replayPath="([^"]*)"/.exec(rendered)?.[1];
    const commands = rendered.replace(/\s*\/\*.*\*\/\s*$/, "").split(",").filter((command) => command !== "");
    const plantPart = context.plant === undefined ? "" : `.${context.plant.name}`;
    return {
      file: `${context.directory}/manager-model${plantPart}-${context.fastCheck.seed}.json`,
      content: { kind: "manager-model-counterexample", plant: context.plant?.name ?? null, idSeed: value.seed, commands, failure: context.failure, fastCheck: { ...context.fastCheck, replayPath: replayPath ?? null } },
      replay: [],
      summary: `${commands.length} command(s): ${commands.join(", ")}`,
      ...(replayPath === undefined ? {} : { replayPath }),
    };
  },
};

/** Wraps a command so running it is counted (the failure message says after how many). */
function countRuns(command: ManagerCommand, onRun: () => void): ManagerCommand {
  return {
    check: (model) => command.check(model),
    run: (model, real) => {
      onRun();
      command.run(model, real);
    },
    toString: () => command.toString(),
  };
}

/**
 * The soak's client worker thread: the clients get a core of their own (2 cores: one
 * for the server under test, one for the clients), as in bench/clientWorker.ts. It
 * only wires the thread's port to {@link createSoakClientFleet}.
 */
import { parentPort } from "node:worker_threads";
import { createRealClock } from "../adapters/realClock.ts";
import { createRealScheduler } from "../adapters/realScheduler.ts";
import { createSoakClientFleet } from "./createSoakClientFleet.ts";
import type { SoakWorkerCommand, SoakWorkerReport } from "./soakWorkerMessages.ts";

const port = parentPort;
if (port === null) throw new Error("soakClientWorker.ts runs as a worker thread (see createSoakClients.ts)");
const scheduler = createRealScheduler();
const fleet = createSoakClientFleet({ clock: createRealClock(), scheduler, post: (report: SoakWorkerReport) => port.postMessage(report) });
port.on("message", (command: SoakWorkerCommand) => {
  fleet.handle(command);
  if (command.kind === "close") scheduler.cancelAll();
});

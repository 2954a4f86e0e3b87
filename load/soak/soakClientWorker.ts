/**
 * The soak's client worker thread: the clients get a core of their own (2 cores: one
 * for the server under test, one for the clients), as in bench/clientWorker.ts. It
 * only wires the thread's port to {@link createSoakClientFleet}, on the real clock and
 * timers the load side's one seam to our server binds (load/ourServer.ts).
 */
import { parentPort } from "node:worker_threads";
import { realTime } from "../ourServer.ts";
import { createSoakClientFleet } from "./createSoakClientFleet.ts";
import type { SoakWorkerCommand, SoakWorkerReport } from "./soakWorkerMessages.ts";

const port = parentPort;
if (port === null) throw new Error("soakClientWorker.ts runs as a worker thread (see createSoakClients.ts)");
const { clock, scheduler } = realTime();
const fleet = createSoakClientFleet({ clock, scheduler, post: (report: SoakWorkerReport) => port.postMessage(report) });
port.on("message", (command: SoakWorkerCommand) => {
  fleet.handle(command);
  if (command.kind === "close") scheduler.cancelAll();
});

// A sweep worker thread's entry (see runSweep.ts). Plain JavaScript because a worker does not
// inherit tsx's loader from `tsx sim/cli.ts` (Node 20): register it in this thread first, then
// load the TypeScript body, the same modules the main thread runs.
import { register } from "tsx/esm/api";

register();
await import("./sweepWorkerMain.ts");

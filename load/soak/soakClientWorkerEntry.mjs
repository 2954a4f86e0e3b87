// Worker threads on Node 20 do not inherit tsx's loader hooks: load the TypeScript worker through tsx's API.
import { tsImport } from "tsx/esm/api";

await tsImport("./soakClientWorker.ts", import.meta.url);

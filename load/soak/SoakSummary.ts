/**
 * The soak's result as data (STYLE rule 15): what `results/soak-summary.json` holds. The
 * types are the results schema's (protocol/resultSchemas.ts, `soakSummarySchema`), the one
 * the CLI checks before writing and the report reads with. Formatting for people is
 * formatSoakReport's job.
 */
import type { z } from "zod";
import type { heapSampleSchema, heapVerdictSchema, soakClientCountsSchema, soakGoalSchema, SoakSummary as SoakSummaryOfSchema } from "../../protocol/resultSchemas.ts";

/** What the client worker counted over the whole soak, and the shared checker's verdict on it. */
export type SoakClientCounts = z.output<typeof soakClientCountsSchema>;

/** One heap sample of the server process (main thread) after a full GC. */
export type HeapSample = z.output<typeof heapSampleSchema>;

/** "Flat after warm-up": the mean of the last third of the samples against the middle third. */
export type HeapVerdict = z.output<typeof heapVerdictSchema>;

/** One goal: what was wanted, what was seen, whether it was met. */
export type SoakGoal = z.output<typeof soakGoalSchema>;

/** Everything a soak produced. */
export type SoakSummary = SoakSummaryOfSchema;

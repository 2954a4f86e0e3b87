/** The lazy-checker differential (lazyCheckerDifferentialSuite.ts) in `npm test`: 400 drawn sessions. */
import { lazyCheckerDifferentialSuite } from "./lazyCheckerDifferentialSuite.ts";

lazyCheckerDifferentialSuite({ numRuns: 400, seed: 20261203 });

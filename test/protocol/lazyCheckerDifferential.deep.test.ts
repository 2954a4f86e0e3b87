/** The lazy-checker differential (lazyCheckerDifferentialSuite.ts) in `npm run test:deep`: 1 000 sessions from another seed than npm test's. */
import { lazyCheckerDifferentialSuite } from "./lazyCheckerDifferentialSuite.ts";

lazyCheckerDifferentialSuite({ numRuns: 1000, seed: 20261204 });

/** The VU-path differential (vuCheckerDifferentialSuite.ts) in `npm run test:deep`: the sweep's seeds 4..10 (npm test ran 1..3). */
import { vuCheckerDifferentialSuite } from "./vuCheckerDifferentialSuite.ts";

vuCheckerDifferentialSuite({ bugZoo: null, sweep: [4, 10] });

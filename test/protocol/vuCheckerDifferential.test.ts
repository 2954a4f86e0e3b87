/** The VU-path differential (vuCheckerDifferentialSuite.ts) in `npm test`: the bug zoo on seeds 1..8, the sweep on seeds 1..3. */
import { vuCheckerDifferentialSuite } from "./vuCheckerDifferentialSuite.ts";

vuCheckerDifferentialSuite({ bugZoo: [1, 8], sweep: [1, 3] });

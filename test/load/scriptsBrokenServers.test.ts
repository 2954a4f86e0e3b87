/** The broken-server suite (brokenServerSuite.ts) on the Node runner; real k6 runs it in `npm run test:deep`. */
import { brokenServerSuite } from "./brokenServerSuite.ts";

brokenServerSuite("node");

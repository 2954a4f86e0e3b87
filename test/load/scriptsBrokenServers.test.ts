/**
 * The broken-server suite (brokenServerSuite.ts) on the Node runner, the contributor's loop's
 * pair: the control passes and a server that duplicates on resume fails. Every case runs in
 * `npm run test:deep` (scriptsBrokenServersNode.deep.test.ts, and on real k6).
 */
import { brokenServerSuite } from "./brokenServerSuite.ts";

brokenServerSuite("node", "quick");

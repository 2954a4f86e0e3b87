/** The broken-server suite (brokenServerSuite.ts), every case, on the Node runner (the fallback engine where no k6 exists). */
import { brokenServerSuite } from "./brokenServerSuite.ts";

brokenServerSuite("node");

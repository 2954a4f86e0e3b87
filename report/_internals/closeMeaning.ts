/**
 * A close code in words for the timeline: the meaning from the one close-code table
 * (protocol/closeCodes.ts), which the server and the checker use too.
 */
import { describeCloseCode } from "../../protocol/closeCodes.ts";

/** "dropped: … (1006)", "slow consumer: … (4409)", or "closed with code N". */
export function closeMeaning(code: number): string {
  return describeCloseCode(code);
}

/** WebSocket close codes this project uses (docs/protocol.md), in words for the timeline. */
const CLOSE_CODE_WORDS: Record<number, string> = {
  1000: "closed normally",
  1001: "server going away (shutdown or restart)",
  1006: "dropped (no close frame)",
  1008: "closed for abuse (rate limit)",
  1009: "frame too big",
  4408: "heartbeat timeout",
  4409: "slow consumer",
};

/** "dropped (1006)", "slow consumer (4409)", or "closed with code N". */
export function closeMeaning(code: number): string {
  const words = CLOSE_CODE_WORDS[code];
  return words === undefined ? `closed with code ${code}` : `${words} (${code})`;
}

/**
 * Every WebSocket close code this project sends, sees or gives meaning to, in one table:
 * code → name → meaning. The server closes with these names, the checker judges a device's
 * last close by them, the report and the live viewer print their meaning. Runtime-free.
 * Codes 1000-1011 are RFC 6455's; 1013 is IANA's "try again later"; 4xxx are this
 * project's (docs/protocol.md, "This project's choices").
 */

/** One row of {@link CLOSE_CODE_TABLE}. */
export interface CloseCodeInfo {
  /** The code on the wire. */
  readonly code: number;
  /** What it means, in words for a report ("slow consumer: unsent bytes …"). */
  readonly meaning: string;
  /** Two or three words for a crowded timeline label. */
  readonly label: string;
  /** Who closes with it: the server, the client, or nobody (observed when no close frame arrived). */
  readonly sentBy: "server" | "client" | "either" | "nobody";
}

/** The table, by name. Add a code here and every consumer (server, checker, report) sees it. */
export const CLOSE_CODE_TABLE = {
  normal: { code: 1000, label: "closed", meaning: "closed normally (the client was done)", sentBy: "either" },
  goingAway: { code: 1001, label: "server going away", meaning: "server going away (shutdown or restart)", sentBy: "server" },
  abnormal: { code: 1006, label: "✕ dropped", meaning: "dropped: the connection was lost without a close frame", sentBy: "nobody" },
  policyViolation: { code: 1008, label: "✕ rate limit", meaning: "closed for abuse: the client exceeded the message rate limit", sentBy: "server" },
  messageTooBig: { code: 1009, label: "✕ frame too big", meaning: "a client frame was over the 64 KiB limit", sentBy: "server" },
  internalError: { code: 1011, label: "✕ send failed", meaning: "a send to the socket failed; the events stay in the replay buffer (resume to continue)", sentBy: "server" },
  tryAgainLater: { code: 1013, label: "✕ try again later", meaning: "refused after the upgrade: a connection limit was reached; try again later", sentBy: "server" },
  clientDrop: { code: 4000, label: "dropped by client", meaning: "the client dropped the connection on purpose (a planned drop, then a resume)", sentBy: "client" },
  tokenExpired: { code: 4401, label: "✕ token expired", meaning: "the connection's token expired while it was open; reconnect with a fresh token", sentBy: "server" },
  heartbeatTimeout: { code: 4408, label: "✕ heartbeat timeout", meaning: "heartbeat timeout: two pongs missed", sentBy: "server" },
  slowConsumer: { code: 4409, label: "✕ slow consumer", meaning: "slow consumer: unsent bytes exceeded the bound; the events stay in the replay buffer", sentBy: "server" },
} as const satisfies Record<string, CloseCodeInfo>;

/** The name of a close code in {@link CLOSE_CODE_TABLE}. */
export type CloseCodeName = keyof typeof CLOSE_CODE_TABLE;

/** The code of each name, as literal types. */
export type CloseCodesByName = { readonly [N in CloseCodeName]: (typeof CLOSE_CODE_TABLE)[N]["code"] };

// A plain loop, not Object.fromEntries: this module is bundled into k6 scripts built for ES2017.
const codesByName: Record<string, number> = {};
const BY_CODE = new Map<number, CloseCodeInfo>();
for (const name of Object.keys(CLOSE_CODE_TABLE) as CloseCodeName[]) {
  const row: CloseCodeInfo = CLOSE_CODE_TABLE[name];
  codesByName[name] = row.code;
  BY_CODE.set(row.code, row);
}

/** Each code by name (`CLOSE_CODES.slowConsumer` is 4409), computed from the table. */
export const CLOSE_CODES = codesByName as CloseCodesByName;

/** The table's row for `code`, or undefined for a code this project gives no meaning to. */
export function closeCodeInfo(code: number): CloseCodeInfo | undefined {
  return BY_CODE.get(code);
}

/** "slow consumer: … (4409)", or "closed with code N" for a code outside the table. */
export function describeCloseCode(code: number): string {
  const info = BY_CODE.get(code);
  return info === undefined ? `closed with code ${code}` : `${info.meaning} (${code})`;
}

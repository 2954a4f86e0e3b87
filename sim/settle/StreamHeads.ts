/** Reads the server's current stream head per user (the manager's `streamHead`). */
export type StreamHeads = (userId: string) => { epoch: string; lastSeq: number } | undefined;

import type { NetworkFrameKind } from "../NetworkTraceLine.ts";

/**
 * One frame on a simulated connection. One shape for every kind (unused fields are
 * "" or 0) so the hot path stays monomorphic.
 */
export class SimFrame {
  readonly kind: NetworkFrameKind;
  /** Message text; "" for control frames. */
  readonly text: string;
  /** UTF-8 bytes of `text`; 0 for control frames. */
  readonly bytes: number;
  /** Close code; 0 for other kinds. */
  readonly code: number;
  /** One-way delay drawn when the frame was sent, ms. */
  readonly delayMs: number;
  /** When it reaches the far end, ms; set when it departs. */
  arrivalMs = 0;

  constructor(kind: NetworkFrameKind, text: string, bytes: number, code: number, delayMs: number) {
    this.kind = kind;
    this.text = text;
    this.bytes = bytes;
    this.code = code;
    this.delayMs = delayMs;
  }
}

/**
 * What the dev server tells the live viewer page: embedded in the page as JSON
 * (`<script type="application/json" id="viewer-config">`), read once at load.
 */

/** The viewer's sign-in and where to connect. */
export interface ViewerConfig {
  /** A token for {@link userId}, minted by `npm run serve -- --dev`. */
  token: string;
  /** The user the token names. */
  userId: string;
  /** The server's WebSocket path, e.g. `/ws` (same host as the page). */
  wsPath: string;
  /** Wait before reconnecting after a close, ms. */
  reconnectDelayMs: number;
  /** The viewer acks every this many events (the event client's pacing). */
  ackEveryEvents: number;
}

/** The id of the element that holds the config JSON. */
export const VIEWER_CONFIG_ELEMENT_ID = "viewer-config";

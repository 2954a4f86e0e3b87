import type { IncomingMessage } from "node:http";
import type { Socket } from "node:net";
import { WebSocket as WsClient, type ClientOptions, type RawData } from "ws";
import { realTime } from "../realTime.ts";
import type { IterationScope, PendingWork } from "../vu/iterationScope.ts";
import type { RunContext } from "../vu/runContext.ts";
import type { VirtualUser } from "../vu/virtualUser.ts";
import { toArrayBuffer, toBytes } from "./toBytes.ts";
import { readUserTags } from "./userTags.ts";

/** How long the WebSocket opening handshake may take (k6: 60 s). */
export const HANDSHAKE_TIMEOUT_MS = 60_000;
/** How long a closing handshake may take before the TCP socket is destroyed. */
export const CLOSE_HANDSHAKE_TIMEOUT_MS = 5_000;
/** k6 refuses close reasons longer than this many UTF-8 bytes. */
const CLOSE_REASON_BYTES_MAX = 123;

type EventName = "open" | "message" | "error" | "close" | "ping" | "pong";
type Listener = (event: Record<string, unknown>) => unknown;
const EVENT_NAMES: readonly EventName[] = ["open", "message", "error", "close", "ping", "pong"];

const CONNECTING = 0;
const OPEN = 1;
const CLOSING = 2;
const CLOSED = 3;

// Gorilla/websocket's names for close codes, which k6's error messages carry.
const CLOSE_CODE_NAMES: Readonly<Record<number, string>> = {
  1000: "normal",
  1001: "going away",
  1002: "protocol error",
  1003: "unsupported data",
  1005: "no status",
  1006: "abnormal closure",
  1007: "invalid payload data",
  1008: "policy violation",
  1009: "message too big",
  1010: "mandatory extension missing",
  1011: "internal server error",
  1012: "service restart",
  1013: "try again later",
  1015: "TLS handshake error",
};

/**
 * `k6/websockets` for one VU, on top of the `ws` package, following k6's
 * implementation (internal/js/modules/k6/websockets): events are objects with
 * `type`, `target`, `timestamp`; `on<event>` handlers run before
 * `addEventListener` ones; a close code other than 1000/1001, or a failed
 * handshake, produces an `error` event `{ error: "websocket: ..." }` before
 * `close`; messages arriving while CLOSING are dropped; ws_* built-in
 * metrics are emitted. Each socket keeps its iteration alive until closed.
 */
export function createWebSocketsModule(vu: VirtualUser, run: RunContext): Record<string, unknown> {
  class WebSocket {
    static readonly CONNECTING = CONNECTING;
    static readonly OPEN = OPEN;
    static readonly CLOSING = CLOSING;
    static readonly CLOSED = CLOSED;
    readonly CONNECTING = CONNECTING;
    readonly OPEN = OPEN;
    readonly CLOSING = CLOSING;
    readonly CLOSED = CLOSED;
    readonly url: string;
    readonly #connection: Connection;

    constructor(url: unknown, protocols?: unknown, params?: unknown) {
      const scope = vu.requireScope("new WebSocket()");
      const parsedUrl = parseSocketUrl(url);
      this.url = parsedUrl.href;
      this.#connection = new Connection({ target: this, url: parsedUrl, protocols: readProtocols(protocols), params: readParams(params), vu, run, scope });
      for (const name of EVENT_NAMES) {
        Object.defineProperty(this, `on${name}`, {
          enumerable: true,
          get: () => this.#connection.handlerFor(name),
          set: (handler: unknown) => this.#connection.setHandler(name, handler),
        });
      }
    }

    get readyState(): number {
      return this.#connection.readyState;
    }

    get bufferedAmount(): number {
      return this.#connection.bufferedAmount;
    }

    get protocol(): string {
      return this.#connection.protocol;
    }

    get binaryType(): string {
      return this.#connection.binaryType;
    }

    set binaryType(value: string) {
      this.#connection.setBinaryType(value);
    }

    send(data: unknown): void {
      this.#connection.send(data);
    }

    ping(): void {
      this.#connection.ping();
    }

    close(code?: unknown, reason?: unknown): void {
      this.#connection.close(code, reason);
    }

    addEventListener(event: unknown, listener: unknown): void {
      this.#connection.addEventListener(String(event), listener);
    }
  }
  return { WebSocket, default: { WebSocket } };
}

interface SocketParams {
  headers: Record<string, string>;
  tags: Record<string, string>;
  compression: boolean;
}

interface ConnectionOptions {
  target: object;
  url: URL;
  protocols: string[];
  params: SocketParams;
  vu: VirtualUser;
  run: RunContext;
  scope: IterationScope;
}

/** The state machine behind one script-visible WebSocket. */
class Connection implements PendingWork {
  readyState: number = CONNECTING;
  binaryType: "blob" | "arraybuffer" = "blob";
  private readonly client: WsClient;
  private readonly options: ConnectionOptions;
  private readonly handlers = new Map<EventName, Listener>();
  private readonly listeners = new Map<EventName, Listener[]>();
  private readonly pingsSentAtMs = new Map<string, number>();
  private readonly dialStartedMs = realTime.monotonicMs();
  private pingCounter = 0;
  private openedAtMs: number | undefined = undefined;
  private handshakeStatus: string | undefined = undefined;
  private networkSocket: Socket | undefined = undefined;
  private lastError: Error | undefined = undefined;
  private closeRequestedWhileConnecting: { code: number; reason: string } | undefined = undefined;
  /** Set once the iteration has ended without us: nothing more reaches the script. */
  private detached = false;

  constructor(options: ConnectionOptions) {
    this.options = options;
    const headers = { "User-Agent": options.run.userAgent, ...options.params.headers };
    // `closeTimeout` is a ws option @types/ws does not list yet.
    const clientOptions: ClientOptions & { closeTimeout: number } = {
      headers,
      perMessageDeflate: options.params.compression,
      handshakeTimeout: HANDSHAKE_TIMEOUT_MS,
      closeTimeout: CLOSE_HANDSHAKE_TIMEOUT_MS,
      followRedirects: false,
    };
    this.client = new WsClient(options.url, options.protocols, clientOptions);
    options.scope.track(this);
    options.run.sockets.add(this.client);
    this.client.on("upgrade", (response: IncomingMessage) => this.clientOnUpgrade(response));
    this.client.on("open", () => this.clientOnOpen());
    this.client.on("message", (data: RawData, isBinary: boolean) => this.clientOnMessage(data, isBinary));
    this.client.on("ping", () => this.dispatch("ping", {}));
    this.client.on("pong", (data: Buffer) => this.clientOnPong(data));
    this.client.on("error", (error: Error) => {
      this.lastError ??= error;
    });
    this.client.on("close", (code: number, reason: Buffer) => this.clientOnClose(code, reason.toString("utf8")));
  }

  get bufferedAmount(): number {
    return this.client.bufferedAmount;
  }

  get protocol(): string {
    return this.client.protocol;
  }

  handlerFor(name: EventName): Listener | null {
    return this.handlers.get(name) ?? null;
  }

  setHandler(name: EventName, handler: unknown): void {
    if (handler === null || handler === undefined) {
      this.handlers.delete(name);
      return;
    }
    if (typeof handler !== "function") throw new Error(`a value for 'on${name}' should be callable`);
    this.handlers.set(name, handler as Listener);
  }

  addEventListener(event: string, listener: unknown): void {
    if (typeof listener !== "function") throw new Error(`handler for event type "${event}" isn't a callable function`);
    if (!(EVENT_NAMES as readonly string[]).includes(event)) {
      this.options.run.log.warn(`can't add event handler: unknown event type: ${event}`);
      return;
    }
    const name = event as EventName;
    this.listeners.set(name, [...(this.listeners.get(name) ?? []), listener as Listener]);
  }

  setBinaryType(value: string): void {
    if (value !== "blob" && value !== "arraybuffer") {
      throw new Error(`unknown binaryType ${value}, the supported ones are "blob" and "arraybuffer"`);
    }
    this.binaryType = value;
  }

  send(data: unknown): void {
    this.assertOpen();
    const payload = typeof data === "string" || data instanceof Blob ? data : toBytes(data, "send");
    this.client.send(payload, (error) => {
      if (error === undefined || error === null) this.emitMetric("ws_msgs_sent", 1);
    });
  }

  ping(): void {
    this.assertOpen();
    const id = String(this.pingCounter);
    this.pingCounter += 1;
    this.pingsSentAtMs.set(id, realTime.monotonicMs());
    this.client.ping(id);
  }

  close(codeArgument: unknown, reasonArgument: unknown): void {
    if (this.readyState === CLOSING || this.readyState === CLOSED) return;
    const code = codeArgument === undefined || codeArgument === null ? 1000 : Number(codeArgument);
    const reason = reasonArgument === undefined || reasonArgument === null ? "" : String(reasonArgument);
    if (code !== 1000 && !(code >= 3000 && code <= 4999)) {
      throw new Error(`InvalidAccessError: Failed to execute 'close' on 'WebSocket': The close code must be either 1000, or between 3000 and 4999. ${code} is neither`);
    }
    if (Buffer.byteLength(reason) > CLOSE_REASON_BYTES_MAX) {
      throw new Error("SyntaxError: Failed to execute 'close' on 'WebSocket': The message must not be greater than 123 bytes");
    }
    const wasConnecting = this.readyState === CONNECTING;
    this.readyState = CLOSING;
    if (wasConnecting) {
      // k6 queues the close frame until the connection is up, and never fires `open`.
      this.closeRequestedWhileConnecting = { code, reason };
      return;
    }
    this.client.close(code, reason);
  }

  /** PendingWork: the iteration ended without this socket; close it quietly. */
  cancel(): void {
    this.detached = true;
    if (this.client.readyState === WsClient.CONNECTING) this.client.terminate();
    else if (this.client.readyState === WsClient.OPEN) this.client.close(1000, "");
  }

  private clientOnUpgrade(response: IncomingMessage): void {
    this.handshakeStatus = String(response.statusCode ?? 101);
    this.networkSocket = response.socket;
  }

  private clientOnOpen(): void {
    if (this.detached) return;
    this.openedAtMs = realTime.monotonicMs();
    this.emitDialMetrics();
    const pendingClose = this.closeRequestedWhileConnecting;
    if (pendingClose !== undefined) {
      this.client.close(pendingClose.code, pendingClose.reason);
      return;
    }
    this.readyState = OPEN;
    this.dispatch("open", {});
  }

  private clientOnMessage(data: RawData, isBinary: boolean): void {
    if (this.detached || this.readyState !== OPEN) return;
    this.emitMetric("ws_msgs_received", 1);
    const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data instanceof ArrayBuffer ? new Uint8Array(data) : data);
    const payload = !isBinary ? bytes.toString("utf8") : this.binaryType === "arraybuffer" ? toArrayBuffer(bytes) : new Blob([bytes]);
    this.dispatch("message", { data: payload, origin: this.options.url.href });
  }

  private clientOnPong(data: Buffer): void {
    if (this.detached) return;
    const id = data.toString("utf8");
    const sentAtMs = this.pingsSentAtMs.get(id);
    if (sentAtMs !== undefined) {
      this.pingsSentAtMs.delete(id);
      this.emitMetric("ws_ping", realTime.monotonicMs() - sentAtMs);
    }
    this.dispatch("pong", {});
  }

  private clientOnClose(code: number, reason: string): void {
    this.options.run.sockets.delete(this.client);
    if (this.detached) return;
    const opened = this.openedAtMs !== undefined;
    if (!opened) this.emitDialMetrics();
    else this.emitMetric("ws_session_duration", realTime.monotonicMs() - (this.openedAtMs ?? 0));
    this.emitByteCounters();
    this.readyState = CLOSED;
    const errorText = this.closeErrorText(opened, code, reason);
    if (errorText !== undefined) this.dispatch("error", { error: errorText });
    this.dispatch("close", opened ? { code, reason } : { reason: "" });
    this.options.scope.untrack(this);
  }

  /** The `error` event text k6 would give for this close, or undefined for a clean one. */
  private closeErrorText(opened: boolean, code: number, reason: string): string | undefined {
    if (!opened) {
      const status = /Unexpected server response: (\d+)/.exec(this.lastError?.message ?? "")?.[1];
      if (status !== undefined) {
        this.handshakeStatus = status;
        return `websocket: bad handshake (HTTP ${status})`;
      }
      return `websocket: ${this.lastError?.message ?? "connection failed"}`;
    }
    if (code === 1000 || code === 1001) return undefined;
    const name = CLOSE_CODE_NAMES[code];
    const reasonText = code === 1006 ? "unexpected EOF" : reason;
    return `websocket: close ${code}${name === undefined ? "" : ` (${name})`}${reasonText === "" ? "" : `: ${reasonText}`}`;
  }

  private dispatch(name: EventName, fields: Record<string, unknown>): void {
    if (this.detached) return;
    const event = { type: name, target: this.options.target, timestamp: realTime.epochMs(), ...fields };
    const handler = this.handlers.get(name);
    const all = handler === undefined ? [...(this.listeners.get(name) ?? [])] : [handler, ...(this.listeners.get(name) ?? [])];
    for (const listener of all) {
      if (!this.options.scope.isOpen) return;
      this.options.scope.invoke(() => listener.call(this.options.target, event));
    }
  }

  private assertOpen(): void {
    if (this.readyState !== OPEN) throw new Error("InvalidStateError");
  }

  private emitDialMetrics(): void {
    this.emitMetric("ws_sessions", 1);
    this.emitMetric("ws_connecting", realTime.monotonicMs() - this.dialStartedMs);
  }

  private emitByteCounters(): void {
    const socket = this.networkSocket;
    if (socket === undefined) return;
    this.emitMetric("data_sent", socket.bytesWritten);
    this.emitMetric("data_received", socket.bytesRead);
  }

  private emitMetric(name: "ws_sessions" | "ws_connecting" | "ws_session_duration" | "ws_msgs_sent" | "ws_msgs_received" | "ws_ping" | "data_sent" | "data_received", value: number): void {
    if (this.detached) return;
    const { run, vu, params, url } = this.options;
    const tags = vu.sampleTags({ url: url.href, name: url.href, ...(this.handshakeStatus === undefined ? {} : { status: this.handshakeStatus }), ...params.tags });
    run.registry.addSample(run.builtin[name], value, tags);
  }
}

function parseSocketUrl(url: unknown): URL {
  if (url === undefined || url === null) throw new Error("WebSocket requires a url");
  let parsed: URL;
  try {
    parsed = new URL(String(url));
  } catch (error) {
    throw new Error(`WebSocket requires valid url, but got "${String(url)}" which resulted in ${(error as Error).message}`);
  }
  if (parsed.protocol !== "ws:" && parsed.protocol !== "wss:") {
    throw new Error(`WebSocket requires url with scheme ws or wss, but got "${parsed.protocol.replace(/:$/, "")}"`);
  }
  if (parsed.hash !== "") throw new Error(`WebSocket requires no url fragment, but got "${parsed.hash.slice(1)}"`);
  return parsed;
}

function readProtocols(protocols: unknown): string[] {
  if (protocols === undefined || protocols === null) return [];
  if (typeof protocols === "string") return [protocols];
  if (Array.isArray(protocols)) return protocols.map(String);
  return [];
}

function readParams(params: unknown): SocketParams {
  const result: SocketParams = { headers: {}, tags: {}, compression: false };
  if (params === undefined || params === null) return result;
  for (const [key, value] of Object.entries(params as Record<string, unknown>)) {
    switch (key) {
      case "headers":
        if (value !== undefined && value !== null) {
          for (const [name, headerValue] of Object.entries(value as Record<string, unknown>)) result.headers[name] = String(headerValue);
        }
        break;
      case "tags":
        try {
          result.tags = readUserTags(value);
        } catch (error) {
          throw new Error(`invalid WebSocket tags option: ${(error as Error).message}`);
        }
        break;
      case "compression":
        if (String(value).trim() !== "deflate") throw new Error(`unsupported compression algorithm '${String(value)}', supported algorithm is 'deflate'`);
        result.compression = true;
        break;
      case "jar":
        throw new Error("the WebSocket 'jar' param is not supported by the k6 Node runner (it has no k6/http cookie jars)");
      default:
        throw new Error(`unknown WebSocket's option ${key}`);
    }
  }
  return result;
}

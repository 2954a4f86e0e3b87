/**
 * One `npm run serve` instance as a child process (tsx, as the npm script runs it), for
 * the multi-instance churn bench and tests: started with --port 0, its URL read from its
 * first line, its output kept, stopped with SIGTERM or killed with SIGKILL (a crash: no
 * shutdown, no lease release).
 */
import { spawn, type ChildProcess } from "node:child_process";

/** A running serve process. */
export interface ServeProcess {
  readonly webSocketUrl: string;
  readonly httpUrl: string;
  /** The instance id it printed (`instance i-…`, with --redis; the line follows the URL's), or null until then. */
  instanceId(): string | null;
  /** Everything it printed so far. */
  output(): string;
  /** SIGKILL: no shutdown, no lease release (a crashed instance). */
  kill(): Promise<void>;
  /** SIGTERM and wait for the exit. */
  stop(): Promise<void>;
  readonly child: ChildProcess;
}

/** How long a serve process may take to listen, ms (tsx compiles on start; slow on a busy machine). */
const LISTEN_TIMEOUT_MS = 30_000;

/** Starts `serve` with `args` and `env` (JWT_SECRET at least); resolves once it listens. */
export async function startServeProcess(args: readonly string[], env: Record<string, string>): Promise<ServeProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", "server/cli/serve.ts", "--port", "0", ...args], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let text = "";
  const listening = /listening on (ws:\/\/(\S+?)(\/\S*))/;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => finish(new Error(`serve did not listen within ${LISTEN_TIMEOUT_MS} ms:\n${text}`)), LISTEN_TIMEOUT_MS);
    const finish = (error?: Error) => {
      clearTimeout(timer);
      child.off("exit", onExit);
      if (error === undefined) resolve();
      else reject(error);
    };
    const onData = (chunk: Buffer) => {
      text += chunk.toString();
      if (listening.test(text)) finish();
    };
    const onExit = (code: number | null) => finish(new Error(`serve exited (code ${code}) before listening:\n${text}`));
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.once("exit", onExit);
  });
  const match = listening.exec(text) as RegExpExecArray;
  const exited = () => child.exitCode !== null || child.signalCode !== null;
  async function signal(name: NodeJS.Signals): Promise<void> {
    if (exited()) return;
    const done = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    child.kill(name);
    await done;
  }
  return {
    webSocketUrl: match[1] as string,
    httpUrl: `http://${match[2] as string}`,
    instanceId: () => /instance (i-[0-9a-f]+)/.exec(text)?.[1] ?? null,
    output: () => text,
    kill: () => signal("SIGKILL"),
    stop: () => signal("SIGTERM"),
    child,
  };
}

/**
 * One `npm run serve` instance as a child process (tsx, as the npm script runs it), for
 * the multi-instance tests: started with --port 0, its URL read from its first line, its
 * output kept, stopped with SIGTERM or killed with SIGKILL.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { waitFor } from "../server/serverTestKit.ts";

/** A running serve process. */
export interface ServeProcess {
  readonly webSocketUrl: string;
  readonly httpUrl: string;
  /** Everything it printed so far. */
  output(): string;
  /** SIGKILL: no shutdown, no lease release (a crashed instance). */
  kill(): Promise<void>;
  /** SIGTERM and wait for the exit. */
  stop(): Promise<void>;
  readonly child: ChildProcess;
}

/** Starts `serve` with `args` and JWT_SECRET; resolves once it listens. */
export async function startServeProcess(args: readonly string[], env: Record<string, string>): Promise<ServeProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", "server/cli/serve.ts", "--port", "0", ...args], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let text = "";
  child.stdout.on("data", (chunk: Buffer) => (text += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (text += chunk.toString()));
  await waitFor(() => /listening on ws:\/\/\S+/.test(text) || child.exitCode !== null, 30_000, "serve to listen");
  const match = /listening on (ws:\/\/(\S+?)(\/\S*))/.exec(text);
  if (match === null) throw new Error(`serve did not start:\n${text}`);
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
    output: () => text,
    kill: () => signal("SIGKILL"),
    stop: () => signal("SIGTERM"),
    child,
  };
}

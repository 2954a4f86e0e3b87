/**
 * `npm run token -- --user u1 [--ttl 1h] [--secret …]`: prints one HS256 access token
 * (and nothing else) on stdout, signed with JWT_SECRET or --secret, so that
 * `TOKEN=$(npm run -s token -- --user u1)` works. See {@link TOKEN_USAGE}.
 */
import { pathToFileURL } from "node:url";
import { createRealClock } from "../adapters/realClock.ts";
import { JWT_SECRET_BYTES_MIN_RECOMMENDED, jwtSecretKey } from "../auth/jwtSecretKey.ts";
import { parseDurationSeconds } from "../../protocol/cli/durations.ts";
import { signAccessToken } from "../auth/signAccessToken.ts";
import { USER_ID_LENGTH_MAX } from "../auth/verifyAccessToken.ts";
import { EXIT_CODES } from "../../protocol/exitCodes.ts";
import { EXIT_USAGE, parseCliArgs, UsageError } from "./parseCliArgs.ts";

/** Usage text of the token CLI. */
export const TOKEN_USAGE = `Usage: npm run token -- --user <id> [--ttl <duration>] [--secret <secret>]

Prints an HS256 access token (JWT) for the agent event server.

Options:
  --user <id>         the user id (the token's sub), required
  --ttl <duration>    lifetime: 90s, 15m, 1h, 7d or plain seconds (default 1h)
  --secret <secret>   signing secret (default: the JWT_SECRET environment variable;
                      prefer the variable: flags end up in shell history)
  -h, --help          show this help
`;

/** What the token CLI reads and writes; tests pass their own (the command passes the process's). */
export interface TokenIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: Readonly<Record<string, string | undefined>>;
}

const processIo = (): TokenIo => ({ stdout: (text) => void process.stdout.write(text), stderr: (text) => void process.stderr.write(text), env: process.env });

/** The whole command: parses `argv`, prints the token and returns the exit code; a usage error is one line (plus the usage where it helps) and exit 2. */
export async function main(argv: readonly string[], io: TokenIo = processIo()): Promise<number> {
  try {
    await printToken(argv, io);
    return EXIT_CODES.pass;
  } catch (error: unknown) {
    if (error instanceof UsageError) {
      io.stderr(`token: ${error.message}\n${error.showUsage ? `\n${TOKEN_USAGE}` : ""}`);
      return EXIT_USAGE;
    }
    io.stderr(`token: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT_CODES.failure;
  }
}

async function printToken(argv: readonly string[], io: TokenIo): Promise<void> {
  const { values } = parseCliArgs([...argv], {
    user: { type: "string" },
    ttl: { type: "string" },
    secret: { type: "string" },
    help: { type: "boolean", short: "h" },
  });
  if (values.help === true) {
    io.stdout(TOKEN_USAGE);
    return;
  }
  const userId = values.user;
  if (userId === undefined || userId === "") throw new UsageError("--user is required (the user id the token is for)");
  if (userId.length > USER_ID_LENGTH_MAX) throw new UsageError(`--user must be at most ${USER_ID_LENGTH_MAX} characters`);
  const ttl = parseDurationSeconds(values.ttl ?? "1h");
  if (!ttl.ok) throw new UsageError(`--ttl: ${ttl.message}`);
  const secret = values.secret ?? io.env["JWT_SECRET"];
  if (secret === undefined || secret === "") {
    throw new UsageError("no secret: set JWT_SECRET (the server's secret) or pass --secret <secret>", { showUsage: false });
  }
  if (Buffer.byteLength(secret) < JWT_SECRET_BYTES_MIN_RECOMMENDED) {
    io.stderr(`token: warning: the secret is shorter than ${JWT_SECRET_BYTES_MIN_RECOMMENDED} bytes\n`);
  }
  const token = await signAccessToken(userId, { secretKey: jwtSecretKey(secret), nowMs: createRealClock().nowMs(), ttlSeconds: ttl.seconds });
  io.stdout(`${token}\n`);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main(process.argv.slice(2));
}

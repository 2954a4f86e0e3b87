/**
 * `npm run token -- --user u1 [--ttl 1h] [--secret …]`: prints one HS256 access token
 * (and nothing else) on stdout, signed with JWT_SECRET or --secret, so that
 * `TOKEN=$(npm run -s token -- --user u1)` works. See {@link TOKEN_USAGE}.
 */
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

async function main(): Promise<void> {
  const { values } = parseCliArgs(process.argv.slice(2), {
    user: { type: "string" },
    ttl: { type: "string" },
    secret: { type: "string" },
    help: { type: "boolean", short: "h" },
  });
  if (values.help === true) {
    process.stdout.write(TOKEN_USAGE);
    return;
  }
  const userId = values.user;
  if (userId === undefined || userId === "") throw new UsageError("--user is required (the user id the token is for)");
  if (userId.length > USER_ID_LENGTH_MAX) throw new UsageError(`--user must be at most ${USER_ID_LENGTH_MAX} characters`);
  const ttl = parseDurationSeconds(values.ttl ?? "1h");
  if (!ttl.ok) throw new UsageError(`--ttl: ${ttl.message}`);
  const secret = values.secret ?? process.env["JWT_SECRET"];
  if (secret === undefined || secret === "") {
    throw new UsageError("no secret: set JWT_SECRET (the server's secret) or pass --secret <secret>", { showUsage: false });
  }
  if (Buffer.byteLength(secret) < JWT_SECRET_BYTES_MIN_RECOMMENDED) {
    process.stderr.write(`token: warning: the secret is shorter than ${JWT_SECRET_BYTES_MIN_RECOMMENDED} bytes\n`);
  }
  const token = await signAccessToken(userId, { secretKey: jwtSecretKey(secret), nowMs: createRealClock().nowMs(), ttlSeconds: ttl.seconds });
  process.stdout.write(`${token}\n`);
}

main().catch((error: unknown) => {
  if (error instanceof UsageError) {
    process.stderr.write(`token: ${error.message}\n${error.showUsage ? `\n${TOKEN_USAGE}` : ""}`);
    process.exit(EXIT_USAGE);
  }
  process.stderr.write(`token: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(EXIT_CODES.failure);
});

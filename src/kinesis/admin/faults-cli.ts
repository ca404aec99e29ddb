import { parseArgs } from "node:util";
import { FAULTS_PATH } from "./faults-route.js";

export const FAULTS_USAGE = `Usage: tributary faults <set|clear|show> [--endpoint URL] [options]

  show                         print the fault settings in force
  clear                        stop injecting faults
  set [options]                replace the settings:
    --throttle P               probability a call is throttled (ProvisionedThroughputExceeded / LimitExceeded)
    --internal-failure P       probability a call fails with InternalFailureException (500)
    --latency-ms MS            latency added to every call
    --entry-throttle P         probability each PutRecords entry fails with ProvisionedThroughputExceededException
    --entry-internal-failure P probability each PutRecords entry fails with InternalFailure
    --operations A,B           apply --throttle/--internal-failure/--latency-ms to these operations only
    --seed N                   repeatable random draws
    --json '{...}'             the whole settings object instead of the options above

  --endpoint defaults to http://127.0.0.1:4567 (env TRIBUTARY_ENDPOINT).
`;

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

function number(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n)) throw new Error(`--${name} must be a number, got ${JSON.stringify(value)}`);
  return n;
}

/** Builds the settings object `set` sends; the server validates it. */
export function settingsFromFlags(values: Record<string, string | undefined>): Record<string, unknown> {
  if (values.json !== undefined) return JSON.parse(values.json) as Record<string, unknown>;
  const rule: Record<string, number> = {};
  const throttle = number("throttle", values.throttle);
  const internalFailure = number("internal-failure", values["internal-failure"]);
  const latencyMs = number("latency-ms", values["latency-ms"]);
  if (throttle !== undefined) rule.throttle = throttle;
  if (internalFailure !== undefined) rule.internalFailure = internalFailure;
  if (latencyMs !== undefined) rule.latencyMs = latencyMs;
  const settings: Record<string, unknown> = {};
  const operations = values.operations?.split(",").map((s) => s.trim()).filter((s) => s.length > 0);
  if (operations && operations.length > 0) settings.operations = Object.fromEntries(operations.map((op) => [op, rule]));
  else Object.assign(settings, rule);
  const entryThrottle = number("entry-throttle", values["entry-throttle"]);
  const entryInternalFailure = number("entry-internal-failure", values["entry-internal-failure"]);
  const seed = number("seed", values.seed);
  if (entryThrottle !== undefined) settings.entryThrottle = entryThrottle;
  if (entryInternalFailure !== undefined) settings.entryInternalFailure = entryInternalFailure;
  if (seed !== undefined) settings.seed = seed;
  return settings;
}

/** `tributary faults set|clear|show`: talks to a running server's admin endpoint. Returns the exit code. */
export async function runFaultsCommand(argv: readonly string[], io: CliIo, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const [action, ...rest] = argv;
  if (action === "help" || action === "--help" || action === "-h") {
    io.out(FAULTS_USAGE);
    return 0;
  }
  let values: Record<string, string | undefined>;
  try {
    values = parseArgs({
      args: [...rest],
      options: Object.fromEntries(
        ["endpoint", "throttle", "internal-failure", "latency-ms", "entry-throttle", "entry-internal-failure", "operations", "seed", "json"].map((f) => [f, { type: "string" as const }]),
      ),
      strict: true,
      allowPositionals: false,
    }).values as Record<string, string | undefined>;
  } catch (error) {
    io.err(`tributary faults: ${error instanceof Error ? error.message : String(error)}\n\n${FAULTS_USAGE}`);
    return 2;
  }
  const endpoint = (values.endpoint ?? env.TRIBUTARY_ENDPOINT ?? "http://127.0.0.1:4567").replace(/\/+$/, "");
  let method: string;
  let body: string | undefined;
  switch (action) {
    case "show":
      method = "GET";
      break;
    case "clear":
      method = "DELETE";
      break;
    case "set":
      method = "PUT";
      try {
        body = JSON.stringify(settingsFromFlags(values));
      } catch (error) {
        io.err(`tributary faults: ${error instanceof Error ? error.message : String(error)}\n`);
        return 2;
      }
      break;
    default:
      io.err(FAULTS_USAGE);
      return 2;
  }
  let response: Response;
  try {
    response = await fetch(`${endpoint}${FAULTS_PATH}`, { method, body, headers: body ? { "Content-Type": "application/json" } : {} });
  } catch (error) {
    io.err(`tributary faults: cannot reach ${endpoint}: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
  const text = await response.text();
  if (!response.ok) {
    io.err(`tributary faults: ${response.status} ${text}\n`);
    return 1;
  }
  io.out(`${text}\n`);
  return 0;
}

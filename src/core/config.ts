import { parseArgs } from "node:util";
import type { LogLevel } from "./log.js";
import {
  ON_DEMAND_PEAK_MEMORY_MS,
  ON_DEMAND_SCALE_WINDOW_MS_DEFAULT,
  ON_DEMAND_SHARD_SPLIT_BYTES_PER_SECOND,
  SHARDS_PER_ACCOUNT_AWS_DEFAULT_MAX,
  SHARDS_PER_ACCOUNT_DEFAULT_MAX,
} from "./limits.js";

/**
 * Configuration is read and validated here, once, at start-up: every default is in DEFAULT_CONFIG,
 * every flag has an environment variable (TRIBUTARY_*), and the variables existing Kinesis emulators
 * use (INITIALIZE_STREAMS, CREATE_STREAM_DURATION, SHARD_LIMIT, ...) are accepted too.
 */
export interface StreamToInitialize {
  streamName: string;
  shardCount: number;
  region: string | undefined;
}

export interface TributaryConfig {
  host: string;
  port: number;
  dataDir: string;
  storage: "file" | "memory";
  fsync: string;
  /** `auto`: with `--fsync always`, append with O_DIRECT where the file system takes it; `off`: never. */
  directIo: "auto" | "off";
  segmentBytesMax: number | undefined;
  region: string;
  account: string;
  tls: "off" | "on" | "required";
  tlsCertFile: string | undefined;
  tlsKeyFile: string | undefined;
  /** off: every well-formed signature is accepted; sigv4: verified against the credentials file. */
  auth: "off" | "sigv4";
  credentialsFile: string | undefined;
  /** 32-byte key wrapping at-rest data keys: a file, or the key itself (base64 or hex) from the environment. */
  masterKeyFile: string | undefined;
  masterKey: string | undefined;
  logLevel: LogLevel;
  initializeStreams: StreamToInitialize[];
  createStreamMs: number;
  deleteStreamMs: number;
  updateStreamMs: number;
  registerConsumerMs: number;
  deregisterConsumerMs: number;
  /** Undefined: the mode's default (see effectiveShardLimit). */
  shardLimit: number | undefined;
  onDemandStreamCountLimit: number;
  /** `off` (never throttles) or `aws` (AWS's throughput and control-plane limits; docs/limits.md). */
  limits: "off" | "aws";
  onDemandScaleWindowMs: number;
  onDemandSplitBytesPerSecond: number;
  onDemandPeakMemoryMs: number;
  /** Fault-injection settings as JSON (checked here, validated in full at start-up), or none. */
  faults: string | undefined;
}

export const DEFAULT_CONFIG: TributaryConfig = {
  host: "127.0.0.1",
  port: 4567,
  dataDir: "./data",
  storage: "file",
  fsync: "always",
  directIo: "auto",
  segmentBytesMax: undefined,
  region: "us-east-1",
  account: "000000000000",
  tls: "off",
  tlsCertFile: undefined,
  tlsKeyFile: undefined,
  auth: "off",
  credentialsFile: undefined,
  masterKeyFile: undefined,
  masterKey: undefined,
  logLevel: "info",
  initializeStreams: [],
  createStreamMs: 500,
  deleteStreamMs: 500,
  updateStreamMs: 500,
  registerConsumerMs: 500,
  deregisterConsumerMs: 500,
  shardLimit: undefined,
  onDemandStreamCountLimit: 50,
  limits: "off",
  onDemandScaleWindowMs: ON_DEMAND_SCALE_WINDOW_MS_DEFAULT,
  onDemandSplitBytesPerSecond: ON_DEMAND_SHARD_SPLIT_BYTES_PER_SECOND,
  onDemandPeakMemoryMs: ON_DEMAND_PEAK_MEMORY_MS,
  faults: undefined,
};

/** The account shard limit: --shard-limit when given, else AWS's default (500) with --limits aws, else 20,000. */
export function effectiveShardLimit(config: Pick<TributaryConfig, "shardLimit" | "limits">): number {
  return config.shardLimit ?? (config.limits === "aws" ? SHARDS_PER_ACCOUNT_AWS_DEFAULT_MAX : SHARDS_PER_ACCOUNT_DEFAULT_MAX);
}

export class ConfigError extends Error {
  override name = "ConfigError";
}

interface Setting {
  flag: string;
  env: readonly string[];
  help: string;
  apply(config: TributaryConfig, value: string): void;
}

function integer(name: string, value: string, min: number, max: number): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
    throw new ConfigError(`${name} must be a whole number from ${min} to ${max}, got ${JSON.stringify(value)}`);
  }
  return n;
}

/** Durations as milliseconds ("500") or with a unit as kinesis-mock writes them ("500ms", "2s"). */
function duration(name: string, value: string): number {
  const m = /^(\d+)(ms|s|m)?$/.exec(value.trim());
  if (!m) throw new ConfigError(`${name} must be a duration such as 500, 500ms or 2s, got ${JSON.stringify(value)}`);
  const n = Number(m[1]);
  return m[2] === "s" ? n * 1000 : m[2] === "m" ? n * 60_000 : n;
}

function oneOf<T extends string>(name: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) {
    throw new ConfigError(`${name} must be one of ${allowed.join(", ")}, got ${JSON.stringify(value)}`);
  }
  return value as T;
}

const STREAM_NAME = /^[a-zA-Z0-9_.-]{1,128}$/;

/** `name[:shards[:region]],...` as kinesis-mock and LocalStack accept it; shards default to 1. */
export function parseInitializeStreams(value: string): StreamToInitialize[] {
  return value
    .split(",")
    .map((part) => part.trim())
    .filter((part) => part.length > 0)
    .map((part) => {
      const [streamName = "", shards = "", region = ""] = part.split(":");
      if (!STREAM_NAME.test(streamName)) throw new ConfigError(`INITIALIZE_STREAMS: invalid stream name ${JSON.stringify(streamName)}`);
      return {
        streamName,
        shardCount: shards === "" ? 1 : integer(`INITIALIZE_STREAMS shard count for ${streamName}`, shards, 1, 10_000),
        region: region === "" ? undefined : region,
      };
    });
}

const SETTINGS: readonly Setting[] = [
  { flag: "host", env: ["TRIBUTARY_HOST"], help: "address to listen on", apply: (c, v) => (c.host = v) },
  { flag: "port", env: ["TRIBUTARY_PORT"], help: "port to listen on (0 picks a free one)", apply: (c, v) => (c.port = integer("--port", v, 0, 65535)) },
  { flag: "data-dir", env: ["TRIBUTARY_DATA_DIR"], help: "where the file backend keeps its data", apply: (c, v) => (c.dataDir = v) },
  { flag: "storage", env: ["TRIBUTARY_STORAGE"], help: "file (durable, default) or memory (throwaway)", apply: (c, v) => (c.storage = oneOf("--storage", v, ["file", "memory"] as const)) },
  { flag: "fsync", env: ["TRIBUTARY_FSYNC"], help: "always (default), interval:<ms> or never", apply: (c, v) => (c.fsync = v) },
  {
    flag: "direct-io",
    env: ["TRIBUTARY_DIRECT_IO"],
    help: "auto (default: O_DIRECT appends with --fsync always where possible) or off",
    apply: (c, v) => (c.directIo = oneOf("--direct-io", v, ["auto", "off"] as const)),
  },
  { flag: "segment-bytes", env: ["TRIBUTARY_SEGMENT_BYTES"], help: "shard log segment size in bytes", apply: (c, v) => (c.segmentBytesMax = integer("--segment-bytes", v, 4096, 2 ** 40)) },
  { flag: "region", env: ["TRIBUTARY_REGION", "AWS_REGION"], help: "region used when a request names none", apply: (c, v) => (c.region = v) },
  {
    flag: "account",
    env: ["TRIBUTARY_ACCOUNT", "AWS_ACCOUNT_ID"],
    help: "12-digit account used when the access key id is not one",
    apply: (c, v) => {
      if (!/^\d{12}$/.test(v)) throw new ConfigError(`--account must be 12 digits, got ${JSON.stringify(v)}`);
      c.account = v;
    },
  },
  { flag: "tls", env: ["TRIBUTARY_TLS"], help: "off (default), on (TLS and plain on one port) or required", apply: (c, v) => (c.tls = oneOf("--tls", v, ["off", "on", "required"] as const)) },
  { flag: "tls-cert", env: ["TRIBUTARY_TLS_CERT"], help: "PEM certificate file (a self-signed one is generated when absent)", apply: (c, v) => (c.tlsCertFile = v) },
  { flag: "tls-key", env: ["TRIBUTARY_TLS_KEY"], help: "PEM private key file", apply: (c, v) => (c.tlsKeyFile = v) },
  { flag: "auth", env: ["TRIBUTARY_AUTH"], help: "off (default: every well-formed signature) or sigv4 (verified; needs --credentials)", apply: (c, v) => (c.auth = oneOf("--auth", v, ["off", "sigv4"] as const)) },
  { flag: "credentials", env: ["TRIBUTARY_CREDENTIALS"], help: "JSON file of users (keys, accounts, IAM policies) and KMS keys", apply: (c, v) => (c.credentialsFile = v) },
  { flag: "master-key-file", env: ["TRIBUTARY_MASTER_KEY_FILE"], help: "file holding the 32-byte key that wraps at-rest data keys", apply: (c, v) => (c.masterKeyFile = v) },
  { flag: "master-key", env: ["TRIBUTARY_MASTER_KEY"], help: "the master key itself, base64 or hex (prefer the variable: flags show in ps)", apply: (c, v) => (c.masterKey = v) },
  { flag: "log-level", env: ["TRIBUTARY_LOG_LEVEL", "LOG_LEVEL"], help: "debug, info, warn, error or silent", apply: (c, v) => (c.logLevel = oneOf("--log-level", v.toLowerCase(), ["debug", "info", "warn", "error", "silent"] as const)) },
  { flag: "initialize-streams", env: ["TRIBUTARY_INITIALIZE_STREAMS", "INITIALIZE_STREAMS"], help: "streams to create at start: name[:shards[:region]],...", apply: (c, v) => (c.initializeStreams = parseInitializeStreams(v)) },
  { flag: "create-stream-ms", env: ["TRIBUTARY_CREATE_STREAM_MS", "CREATE_STREAM_DURATION"], help: "how long a stream stays CREATING", apply: (c, v) => (c.createStreamMs = duration("--create-stream-ms", v)) },
  { flag: "delete-stream-ms", env: ["TRIBUTARY_DELETE_STREAM_MS", "DELETE_STREAM_DURATION"], help: "how long a stream stays DELETING", apply: (c, v) => (c.deleteStreamMs = duration("--delete-stream-ms", v)) },
  { flag: "update-stream-ms", env: ["TRIBUTARY_UPDATE_STREAM_MS", "UPDATE_SHARD_COUNT_DURATION"], help: "how long a stream stays UPDATING", apply: (c, v) => (c.updateStreamMs = duration("--update-stream-ms", v)) },
  { flag: "register-consumer-ms", env: ["TRIBUTARY_REGISTER_CONSUMER_MS", "REGISTER_STREAM_CONSUMER_DURATION"], help: "how long a consumer stays CREATING", apply: (c, v) => (c.registerConsumerMs = duration("--register-consumer-ms", v)) },
  { flag: "deregister-consumer-ms", env: ["TRIBUTARY_DEREGISTER_CONSUMER_MS", "DEREGISTER_STREAM_CONSUMER_DURATION"], help: "how long a consumer stays DELETING", apply: (c, v) => (c.deregisterConsumerMs = duration("--deregister-consumer-ms", v)) },
  { flag: "shard-limit", env: ["TRIBUTARY_SHARD_LIMIT", "SHARD_LIMIT"], help: "open shards per account and region", apply: (c, v) => (c.shardLimit = integer("--shard-limit", v, 1, 1_000_000)) },
  { flag: "on-demand-stream-limit", env: ["TRIBUTARY_ON_DEMAND_STREAM_LIMIT", "ON_DEMAND_STREAM_COUNT_LIMIT"], help: "on-demand streams per account and region", apply: (c, v) => (c.onDemandStreamCountLimit = integer("--on-demand-stream-limit", v, 0, 1_000_000)) },
  { flag: "limits", env: ["TRIBUTARY_LIMITS"], help: "off (default, never throttles) or aws (AWS's throughput and API limits)", apply: (c, v) => (c.limits = oneOf("--limits", v, ["off", "aws"] as const)) },
  { flag: "on-demand-scale-window-ms", env: ["TRIBUTARY_ON_DEMAND_SCALE_WINDOW_MS"], help: "how often on-demand streams are scaled (default 15m)", apply: (c, v) => (c.onDemandScaleWindowMs = Math.max(1, duration("--on-demand-scale-window-ms", v))) },
  { flag: "on-demand-split-bytes-per-second", env: ["TRIBUTARY_ON_DEMAND_SPLIT_BYTES_PER_SECOND"], help: "write rate above which an on-demand shard is split", apply: (c, v) => (c.onDemandSplitBytesPerSecond = integer("--on-demand-split-bytes-per-second", v, 1, 2 ** 40)) },
  { flag: "on-demand-peak-memory-ms", env: ["TRIBUTARY_ON_DEMAND_PEAK_MEMORY_MS"], help: "how long on-demand capacity remembers a peak (default 30 days)", apply: (c, v) => (c.onDemandPeakMemoryMs = Math.max(1, duration("--on-demand-peak-memory-ms", v))) },
  {
    flag: "faults",
    env: ["TRIBUTARY_FAULTS"],
    help: 'fault injection at start, as JSON: {"throttle":0.1,"entryThrottle":0.2,"latencyMs":50,...}',
    apply: (c, v) => {
      try {
        JSON.parse(v);
      } catch {
        throw new ConfigError(`--faults must be JSON, got ${JSON.stringify(v)}`);
      }
      c.faults = v;
    },
  },
  {
    flag: "transition-ms",
    env: ["TRIBUTARY_TRANSITION_MS"],
    help: "sets every state-transition duration at once (0 for instant)",
    apply: (c, v) => {
      const ms = duration("--transition-ms", v);
      c.createStreamMs = c.deleteStreamMs = c.updateStreamMs = c.registerConsumerMs = c.deregisterConsumerMs = ms;
    },
  },
];

/** Reads flags over environment variables over defaults; throws ConfigError with a clear message. */
export function loadConfig(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): TributaryConfig {
  const config: TributaryConfig = structuredClone(DEFAULT_CONFIG);
  // Environment first, in table order (so TRIBUTARY_TRANSITION_MS, last, sets all durations).
  for (const setting of SETTINGS) {
    const name = setting.env.find((e) => env[e] !== undefined && env[e] !== "");
    if (name !== undefined) setting.apply(config, env[name]!);
  }
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: Object.fromEntries(SETTINGS.map((s) => [s.flag, { type: "string" as const }])),
      strict: true,
      allowPositionals: false,
    });
  } catch (error) {
    throw new ConfigError(error instanceof Error ? error.message : String(error));
  }
  for (const setting of SETTINGS) {
    const value = parsed.values[setting.flag];
    if (typeof value === "string") setting.apply(config, value);
  }
  return config;
}

export function configHelp(): string {
  const rows = SETTINGS.map((s) => `  --${s.flag.padEnd(24)} ${s.help}\n  ${"".padEnd(26)} env: ${s.env.join(", ")}`);
  return rows.join("\n");
}

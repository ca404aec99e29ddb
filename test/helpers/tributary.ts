/**
 * Black-box test harness: a real Tributary (server, engine, storage) started in-process on an ephemeral
 * port, plus AWS clients pointed at it. Test files call `useTributary()` at top level; it starts the
 * server in beforeAll and stops it in afterAll.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DescribeStreamSummaryCommand, KinesisClient, type KinesisClientConfig } from "@aws-sdk/client-kinesis";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { afterAll, beforeAll } from "vitest";
import { startTributary, type RunningTributary } from "../../src/app.js";
import type { Clock } from "../../src/core/clock.js";
import { DEFAULT_CONFIG, type TributaryConfig } from "../../src/core/config.js";
import { silentLogger } from "../../src/core/log.js";

export interface TributaryTestOptions {
  storage?: "memory" | "file";
  /** Sets every state-transition duration (create, delete, update, register, deregister); default 0. */
  transitionMs?: number;
  clock?: Clock;
  /** For storage "file": reuse this directory (and leave it in place), e.g. to restart on the same data. */
  dataDir?: string;
  config?: Partial<TributaryConfig>;
}

export interface TributaryHandle {
  /** The running server; valid inside tests (after beforeAll). */
  readonly server: RunningTributary;
  readonly endpoint: string;
}

export async function startTestTributary(options: TributaryTestOptions = {}): Promise<{ server: RunningTributary; cleanup(): Promise<void> }> {
  const transitionMs = options.transitionMs ?? 0;
  const ownDir = options.storage === "file" && options.dataDir === undefined;
  const dataDir = options.dataDir ?? (ownDir ? await mkdtemp(join(tmpdir(), "tributary-test-")) : join(tmpdir(), "tributary-unused"));
  const config: TributaryConfig = {
    ...structuredClone(DEFAULT_CONFIG),
    port: 0,
    host: "127.0.0.1",
    storage: options.storage ?? "memory",
    dataDir,
    fsync: "never",
    logLevel: "silent",
    createStreamMs: transitionMs,
    deleteStreamMs: transitionMs,
    updateStreamMs: transitionMs,
    registerConsumerMs: transitionMs,
    deregisterConsumerMs: transitionMs,
    ...options.config,
  };
  let server: RunningTributary;
  try {
    server = await startTributary(config, { logger: silentLogger, ...(options.clock ? { clock: options.clock } : {}) });
  } catch (error) {
    // A server that would not start still leaves no temporary directory behind.
    if (ownDir) await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
  return {
    server,
    async cleanup() {
      await server.stop();
      if (ownDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Starts a server for the enclosing test file (or describe block) and stops it afterwards. */
export function useTributary(options: TributaryTestOptions = {}): TributaryHandle {
  let running: { server: RunningTributary; cleanup(): Promise<void> } | undefined;
  beforeAll(async () => {
    running = await startTestTributary(options);
  });
  afterAll(async () => {
    await running?.cleanup();
  });
  return {
    get server() {
      if (!running) throw new Error("Tributary is not started yet (use it inside a test)");
      return running.server;
    },
    get endpoint() {
      if (!running) throw new Error("Tributary is not started yet (use it inside a test)");
      return running.server.endpoint;
    },
  };
}

export type HandlerKind = "http2" | "http1";
export const HANDLER_KINDS: readonly HandlerKind[] = ["http2", "http1"];

export interface ClientOptions {
  handler?: HandlerKind;
  /** A 12-digit access key id selects the account; anything else is the default account. */
  accessKeyId?: string;
  region?: string;
  extra?: Partial<KinesisClientConfig>;
}

/**
 * A KinesisClient as an application builds it: `http2` keeps the SDK's default handler (HTTP/2 with
 * prior knowledge to an http:// endpoint); `http1` swaps in NodeHttpHandler (HTTP/1.1).
 */
export function kinesisClient(endpoint: string, options: ClientOptions = {}): KinesisClient {
  const config: KinesisClientConfig = {
    endpoint,
    region: options.region ?? "us-east-1",
    credentials: { accessKeyId: options.accessKeyId ?? "AKIDEXAMPLE", secretAccessKey: "dummy-secret" },
    maxAttempts: 1,
    ...options.extra,
  };
  if (options.handler === "http1") config.requestHandler = new NodeHttpHandler();
  return new KinesisClient(config);
}

const ACTIVE_POLL_MS = 10;
const ACTIVE_WAIT_MS_MAX = 10_000;

/** Polls DescribeStreamSummary every 10 ms until the stream is ACTIVE (the SDK waiter sleeps 10 s). */
export async function waitForActive(client: KinesisClient, streamName: string, timeoutMs = ACTIVE_WAIT_MS_MAX): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const out = await client.send(new DescribeStreamSummaryCommand({ StreamName: streamName }));
    const status = out.StreamDescriptionSummary?.StreamStatus;
    if (status === "ACTIVE") return;
    if (Date.now() > deadline) throw new Error(`stream ${streamName} still ${String(status)} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, ACTIVE_POLL_MS));
  }
}

/** Polls until `check` resolves true (for consumers, deletions, ...). */
export async function waitUntil(check: () => Promise<boolean>, what: string, timeoutMs = ACTIVE_WAIT_MS_MAX): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, ACTIVE_POLL_MS));
  }
}

let uniqueCounter = 0;
/** A stream or consumer name unique within the process, so tests in one file do not collide. */
export function uniqueName(prefix: string): string {
  uniqueCounter += 1;
  return `${prefix}-${process.pid}-${uniqueCounter}`;
}

/** The account-and-region ARN of a stream, as Tributary builds it. */
export function streamArn(streamName: string, account = "000000000000", region = "us-east-1"): string {
  return `arn:aws:kinesis:${region}:${account}:stream/${streamName}`;
}

/** Captures the error a promise rejects with (fails if it resolves). */
export async function errorOf(promise: Promise<unknown>): Promise<{ name: string; message: string; status: number | undefined }> {
  try {
    await promise;
  } catch (error) {
    const e = error as { name?: unknown; message?: unknown; $metadata?: { httpStatusCode?: number } };
    return { name: String(e.name), message: String(e.message), status: e.$metadata?.httpStatusCode };
  }
  throw new Error("expected the call to fail, but it succeeded");
}

/**
 * The cost of signature verification and policy evaluation on PutRecords: the same Tributary build
 * with `--auth off` and with `--auth sigv4` (one user with an identity policy), driven by a load
 * generator in a process of its own that sends pre-signed raw HTTP/1.1 requests (the same bytes to both
 * servers: SigV4 does not prevent replays within the 5-minute window, so one signature per caller is
 * reused). Each round runs both modes on fresh servers and data directories, in alternating order (off
 * then sigv4, then sigv4 then off, ...), each after a warm-up; the summary gives medians and ranges of
 * records/s and of server CPU per request, and of each round's sigv4-to-off ratio.
 *
 *   node --import tsx bench/security-auth.ts [--seconds 5] [--warmup-seconds 2] [--rounds 6] [--callers 8] [--records 500]
 *        [--record-bytes 100] [--shards 4] [--storage memory|file] [--fsync never|always]
 *        [--transport http1|http2-sdk]  (keep-alive HTTP/1.1 connections, or HTTP/2 as the Kinesis JS SDK v3
 *                                        sends it: a new connection for every request)
 *        [--profile <dir>]   (one CPU profile per server, in <dir>/off and <dir>/sigv4)
 *        [--dist <dir>]      (run a compiled build, e.g. dist/, instead of the sources through tsx)
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { Sha256 } from "@aws-crypto/sha256-js";
import { SignatureV4 } from "@smithy/signature-v4";
import { RawConnection, type RawResponse } from "./lib/raw-http.js";
import { encodeHeaderBlock, H2Request, RawH2Connection } from "./lib/raw-http2.js";
import { ensureStream, waitReady } from "./lib/setup.js";
import { putRecordsBody } from "./load/payloads.js";

const REPO_DIR = fileURLToPath(new URL("..", import.meta.url));
const ACCESS_KEY_ID = "AKIABENCHMARK";
const SECRET = "bench-secret-access-key";
const ACCOUNT = "000000000000";
const STREAM = "auth-bench";
const START_TIMEOUT_MS = 60_000;
const CLOCK_TICKS_PER_SECOND = 100;

type Transport = "http1" | "http2-sdk";

interface LoadJob {
  port: number;
  transport: Transport;
  seconds: number;
  callers: number;
  records: number;
  recordBytes: number;
}

interface LoadResult {
  requests: number;
  records: number;
  bytes: number;
  seconds: number;
  failures: number;
}

// ---------------------------------------------------------------- load generator (child process)

async function signedHeaders(port: number, body: Buffer): Promise<Record<string, string>> {
  const signer = new SignatureV4({ credentials: { accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET }, region: "us-east-1", service: "kinesis", sha256: Sha256 });
  const signed = await signer.sign({
    method: "POST",
    protocol: "http:",
    hostname: "127.0.0.1",
    port,
    path: "/",
    query: {},
    headers: { host: `127.0.0.1:${port}`, "content-type": "application/x-amz-json-1.1", "x-amz-target": "Kinesis_20131202.PutRecords" },
    body,
  });
  return signed.headers;
}

/** The signed request as HTTP/1.1 bytes. */
async function signedRequest(port: number, body: Buffer): Promise<Buffer> {
  const lines = Object.entries(await signedHeaders(port, body)).map(([name, value]) => `${name}: ${value}`);
  const head = `POST / HTTP/1.1\r\n${lines.join("\r\n")}\r\nContent-Length: ${body.length}\r\n\r\n`;
  return Buffer.concat([Buffer.from(head, "latin1"), body]);
}

/** The signed request as HTTP/2 frames: the host header becomes :authority, as Node's client sends it. */
async function signedH2Request(port: number, body: Buffer): Promise<H2Request> {
  const fields: [string, string][] = [
    [":method", "POST"],
    [":scheme", "http"],
    [":authority", `127.0.0.1:${port}`],
    [":path", "/"],
  ];
  for (const [name, value] of Object.entries(await signedHeaders(port, body))) if (name.toLowerCase() !== "host") fields.push([name.toLowerCase(), value]);
  fields.push(["content-length", String(body.length)]);
  return new H2Request(encodeHeaderBlock(fields), body);
}

/** One sender per caller: a keep-alive HTTP/1.1 connection, or a fresh HTTP/2 connection per request. */
async function openSenders(job: LoadJob, body: Buffer): Promise<{ send: ((wantBody: boolean) => Promise<RawResponse>)[]; close(): void }> {
  if (job.transport === "http2-sdk") {
    const request = await signedH2Request(job.port, body);
    return {
      send: Array.from({ length: job.callers }, () => {
        const own = request.copy();
        return (wantBody: boolean) => RawH2Connection.oneShot(job.port, own, wantBody);
      }),
      close: () => undefined,
    };
  }
  const request = await signedRequest(job.port, body);
  const connections = await Promise.all(Array.from({ length: job.callers }, () => RawConnection.open(job.port)));
  return { send: connections.map((c) => (wantBody: boolean) => c.request(request, wantBody)), close: () => connections.forEach((c) => c.close()) };
}

async function runLoad(job: LoadJob): Promise<LoadResult> {
  const body = putRecordsBody(STREAM, job.recordBytes, job.records);
  const senders = await openSenders(job, body);
  const first = await senders.send[0]!(true);
  if (first.status !== 200 || !first.body.toString().includes('"FailedRecordCount":0')) {
    throw new Error(`warm-up request failed: ${first.status} ${first.body.toString().slice(0, 300)}`);
  }
  let requests = 0;
  let failures = 0;
  const startedMs = performance.now();
  const endMs = startedMs + job.seconds * 1000;
  await Promise.all(
    senders.send.map(async (send) => {
      while (performance.now() < endMs) {
        const response = await send(false);
        if (response.status === 200) requests++;
        else failures++;
      }
    }),
  );
  senders.close();
  const seconds = (performance.now() - startedMs) / 1000;
  return { requests, records: requests * job.records, bytes: requests * job.records * job.recordBytes, seconds, failures };
}

// ---------------------------------------------------------------- orchestration

interface Server {
  port: number;
  pid: number;
  stop(): Promise<void>;
}

/** User and system CPU seconds so far of a process, or of one thread with `/proc/<pid>/task/<tid>/stat` (clock ticks are 1/100 s). */
function cpuTimes(statPath: string): { user: number; system: number } {
  const fields = readFileSync(statPath, "utf8").split(") ")[1]!.split(" ");
  return { user: Number(fields[11]) / CLOCK_TICKS_PER_SECOND, system: Number(fields[12]) / CLOCK_TICKS_PER_SECOND };
}

function cpuSeconds(pid: number, statPath = `/proc/${pid}/stat`): number {
  const { user, system } = cpuTimes(statPath);
  return user + system;
}

/** The main (JavaScript) thread's CPU seconds: the thread whose time bounds throughput. */
const mainThreadSeconds = (pid: number): number => cpuSeconds(pid, `/proc/${pid}/task/${pid}/stat`);

/** Runs the CLI from the sources through tsx, or from a compiled build (`--dist <dir>`, without a loader). */
function startServer(args: string[], profileDir: string | undefined, distDir: string | undefined): Promise<Server> {
  const entry = distDir === undefined ? join(REPO_DIR, "src/cli/main.ts") : join(distDir, "cli/main.js");
  const script = `import(${JSON.stringify(entry)}).then((m) => m.main(${JSON.stringify(["serve", ...args])}))`;
  const profile = profileDir === undefined ? [] : ["--cpu-prof", `--cpu-prof-dir=${profileDir}`];
  const loader = distDir === undefined ? ["--import", "tsx"] : [];
  const child = spawn(process.execPath, [...profile, ...loader, "-e", script], { cwd: REPO_DIR, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`server did not start:\n${output}`));
    }, START_TIMEOUT_MS);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const m = /listening on https?:\/\/[^:]+:(\d+)/.exec(output);
      if (!m) return;
      clearTimeout(timer);
      child.stdout.off("data", onData);
      resolve({
        port: Number(m[1]),
        pid: child.pid!,
        stop: () =>
          new Promise<void>((done) => {
            child.once("exit", () => done());
            child.kill("SIGTERM");
          }),
      });
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${output}`));
    });
  });
}

function runGenerator(job: LoadJob): Promise<LoadResult> {
  const child = spawn(process.execPath, ["--import", "tsx", fileURLToPath(import.meta.url), "--load", JSON.stringify(job)], { cwd: REPO_DIR, stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.once("exit", (code) => (code === 0 ? resolve(JSON.parse(out) as LoadResult) : reject(new Error(`load generator exited with ${code}`))));
  });
}

interface RoundResult {
  rate: number;
  cpuUsPerRequest: number;
  mainUsPerRequest: number;
  failures: number;
}

const median = (xs: readonly number[]): number => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length / 2;
  return sorted.length === 0 ? NaN : sorted.length % 2 === 1 ? sorted[Math.floor(mid)]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const loadAverage = (): string => readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
const percent = (x: number): string => `${x >= 0 ? "+" : ""}${(x * 100).toFixed(1)}%`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      load: { type: "string" },
      seconds: { type: "string", default: "5" },
      "warmup-seconds": { type: "string", default: "2" },
      rounds: { type: "string", default: "6" },
      callers: { type: "string", default: "8" },
      records: { type: "string", default: "500" },
      "record-bytes": { type: "string", default: "100" },
      shards: { type: "string", default: "4" },
      storage: { type: "string", default: "memory" },
      fsync: { type: "string", default: "never" },
      profile: { type: "string" },
      dist: { type: "string" },
      transport: { type: "string", default: "http1" },
    },
  });
  if (values.load !== undefined) {
    process.stdout.write(`${JSON.stringify(await runLoad(JSON.parse(values.load) as LoadJob))}\n`);
    process.exit(0);
  }
  const dir = await mkdtemp(join(tmpdir(), "tributary-bench-auth-"));
  const credentials = join(dir, "credentials.json");
  const policy = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["kinesis:PutRecords", "kinesis:Describe*", "kinesis:CreateStream", "kinesis:ListStreams"], Resource: "*" }] };
  await writeFile(credentials, JSON.stringify({ users: [{ accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET, accountId: ACCOUNT, policy }] }));
  const results: Record<"off" | "sigv4", RoundResult[]> = { off: [], sigv4: [] };
  const loadBefore = loadAverage();
  if (values.transport !== "http1" && values.transport !== "http2-sdk") throw new Error("--transport must be http1 or http2-sdk");
  const transport: Transport = values.transport;
  const job = (port: number, seconds: number): LoadJob => ({
    port,
    transport,
    seconds,
    callers: Number(values.callers),
    records: Number(values.records),
    recordBytes: Number(values["record-bytes"]),
  });
  try {
    for (let round = 0; round < Number(values.rounds); round++) {
      // off, sigv4, then sigv4, off: a drift of the machine over time falls on both modes alike.
      const order = round % 2 === 0 ? (["off", "sigv4"] as const) : (["sigv4", "off"] as const);
      for (const mode of order) {
        const dataDir = join(dir, `data-${mode}-${round}`);
        const args = ["--host", "127.0.0.1", "--port", "0", "--storage", values.storage!, "--fsync", values.fsync!, "--data-dir", dataDir, "--transition-ms", "0", "--log-level", "warn", "--auth", mode];
        if (mode === "sigv4") args.push("--credentials", credentials);
        const server = await startServer(args, values.profile === undefined ? undefined : join(values.profile, mode), values.dist);
        try {
          await waitReadyOrSigned(server.port, mode);
          await ensureStreamSigned(server.port, Number(values.shards), mode);
          // Warm the server's JIT on the same load before measuring.
          if (Number(values["warmup-seconds"]) > 0) await runGenerator(job(server.port, Number(values["warmup-seconds"])));
          const cpuBefore = cpuSeconds(server.pid);
          const mainBefore = mainThreadSeconds(server.pid);
          const mainTimesBefore = cpuTimes(`/proc/${server.pid}/task/${server.pid}/stat`);
          const result = await runGenerator(job(server.port, Number(values.seconds)));
          // Server CPU per request is what auth adds to; it holds even when other work shares the cores.
          const cpuUsPerRequest = ((cpuSeconds(server.pid) - cpuBefore) * 1e6) / (result.requests + 1);
          const mainUsPerRequest = ((mainThreadSeconds(server.pid) - mainBefore) * 1e6) / (result.requests + 1);
          const mainTimes = cpuTimes(`/proc/${server.pid}/task/${server.pid}/stat`);
          const mainSystemUs = ((mainTimes.system - mainTimesBefore.system) * 1e6) / (result.requests + 1);
          const rate = result.records / result.seconds;
          results[mode].push({ rate, cpuUsPerRequest, mainUsPerRequest, failures: result.failures });
          process.stdout.write(
            `round ${round + 1} auth ${mode.padEnd(5)} ${Math.round(rate).toLocaleString("en")} records/s, ${(result.bytes / result.seconds / 1e6).toFixed(1)} MB/s data, ` +
              `server CPU ${Math.round(cpuUsPerRequest)} us/request (main thread ${Math.round(mainUsPerRequest)}, of which system ${Math.round(mainSystemUs)}), ${result.failures} failed requests (load ${loadAverage()})\n`,
          );
        } finally {
          await server.stop();
        }
      }
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  const rates = (mode: "off" | "sigv4") => results[mode].map((r) => r.rate);
  const cpus = (mode: "off" | "sigv4") => results[mode].map((r) => r.cpuUsPerRequest);
  // Each round's sigv4 against the same round's off (run next to it).
  const rateRatios = results.sigv4.map((r, i) => r.rate / results.off[i]!.rate - 1);
  const cpuRatios = results.sigv4.map((r, i) => results.off[i]!.cpuUsPerRequest / r.cpuUsPerRequest - 1);
  const mains = (mode: "off" | "sigv4") => results[mode].map((r) => r.mainUsPerRequest);
  const mainRatios = results.sigv4.map((r, i) => results.off[i]!.mainUsPerRequest / r.mainUsPerRequest - 1);
  const spread = (xs: number[], format: (x: number) => string) => `${format(Math.min(...xs))} to ${format(Math.max(...xs))}`;
  const count = (x: number) => Math.round(x).toLocaleString("en");
  const failed = [...results.off, ...results.sigv4].reduce((n, r) => n + r.failures, 0);
  process.stdout.write(
    `\nPutRecords (${values.records} x ${values["record-bytes"]} B, ${values.callers} callers, ${transport === "http1" ? "HTTP/1.1 keep-alive" : "HTTP/2 as the JS SDK sends it"}, ${values.storage}${values.storage === "file" ? `, fsync ${values.fsync}` : ""}), ` +
      `${values.rounds} rounds x ${values.seconds} s per mode, ${failed} failed requests, load average ${loadBefore} before, ${loadAverage()} after\n\n` +
      `| | --auth off | --auth sigv4 | sigv4 vs off (median of rounds' pairs; range) |\n|---|---|---|---|\n` +
      `| records/s: median (range) | ${count(median(rates("off")))} (${spread(rates("off"), count)}) | ${count(median(rates("sigv4")))} (${spread(rates("sigv4"), count)}) | ${percent(median(rateRatios))} (${spread(rateRatios, percent)}) |\n` +
      `| server CPU us/request: median (range) | ${count(median(cpus("off")))} (${spread(cpus("off"), count)}) | ${count(median(cpus("sigv4")))} (${spread(cpus("sigv4"), count)}) | ${percent(median(cpuRatios))} (${spread(cpuRatios, percent)}) CPU-bound throughput |\n` +
      `| main-thread CPU us/request: median (range) | ${count(median(mains("off")))} (${spread(mains("off"), count)}) | ${count(median(mains("sigv4")))} (${spread(mains("sigv4"), count)}) | ${percent(median(mainRatios))} (${spread(mainRatios, percent)}) main-thread-bound throughput |\n`,
  );
}

/** With auth on, the unsigned bench helpers are refused, so setup signs its calls too. */
async function waitReadyOrSigned(port: number, mode: "off" | "sigv4"): Promise<void> {
  if (mode === "off") return waitReady(port);
  await signedCall(port, "ListStreams", {});
}

async function ensureStreamSigned(port: number, shards: number, mode: "off" | "sigv4"): Promise<void> {
  if (mode === "off") {
    await ensureStream(port, STREAM, shards);
    return;
  }
  await signedCall(port, "CreateStream", { StreamName: STREAM, ShardCount: shards });
  for (;;) {
    const out = (await signedCall(port, "DescribeStreamSummary", { StreamName: STREAM })) as { StreamDescriptionSummary: { StreamStatus: string } };
    if (out.StreamDescriptionSummary.StreamStatus === "ACTIVE") return;
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function signedCall(port: number, operation: string, input: unknown): Promise<unknown> {
  const signer = new SignatureV4({ credentials: { accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET }, region: "us-east-1", service: "kinesis", sha256: Sha256 });
  const body = JSON.stringify(input);
  const signed = await signer.sign({
    method: "POST",
    protocol: "http:",
    hostname: "127.0.0.1",
    port,
    path: "/",
    query: {},
    headers: { host: `127.0.0.1:${port}`, "content-type": "application/x-amz-json-1.1", "x-amz-target": `Kinesis_20131202.${operation}` },
    body,
  });
  const response = await fetch(`http://127.0.0.1:${port}/`, { method: "POST", headers: signed.headers, body });
  const text = await response.text();
  if (!response.ok) throw new Error(`${operation}: ${response.status} ${text}`);
  return JSON.parse(text) as unknown;
}

void main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});

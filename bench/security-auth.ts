/**
 * The cost of signature verification and policy evaluation on PutRecords: the same Tributary build
 * with `--auth off` and with `--auth sigv4` (one user with an identity policy), driven by a load
 * generator in a process of its own that sends pre-signed raw HTTP/1.1 requests (the same bytes to both
 * servers: SigV4 does not prevent replays within the 5-minute window, so one signature per caller is
 * reused). Rounds alternate between the modes; the best round of each is compared.
 *
 *   node --import tsx bench/security-auth.ts [--seconds 10] [--rounds 2] [--callers 8] [--records 500]
 *        [--record-bytes 100] [--shards 4] [--storage memory|file] [--fsync never|always]
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
import { RawConnection } from "./lib/raw-http.js";
import { ensureStream, waitReady } from "./lib/setup.js";
import { putRecordsBody } from "./load/payloads.js";

const REPO_DIR = fileURLToPath(new URL("..", import.meta.url));
const ACCESS_KEY_ID = "AKIABENCHMARK";
const SECRET = "bench-secret-access-key";
const ACCOUNT = "000000000000";
const STREAM = "auth-bench";
const START_TIMEOUT_MS = 60_000;
const CLOCK_TICKS_PER_SECOND = 100;

interface LoadJob {
  port: number;
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

async function signedRequest(port: number, body: Buffer): Promise<Buffer> {
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
  const lines = Object.entries(signed.headers).map(([name, value]) => `${name}: ${value}`);
  const head = `POST / HTTP/1.1\r\n${lines.join("\r\n")}\r\nContent-Length: ${body.length}\r\n\r\n`;
  return Buffer.concat([Buffer.from(head, "latin1"), body]);
}

async function runLoad(job: LoadJob): Promise<LoadResult> {
  const body = putRecordsBody(STREAM, job.recordBytes, job.records);
  const request = await signedRequest(job.port, body);
  const connections = await Promise.all(Array.from({ length: job.callers }, () => RawConnection.open(job.port)));
  const first = await connections[0]!.request(request, true);
  if (first.status !== 200 || !first.body.toString().includes('"FailedRecordCount":0')) {
    throw new Error(`warm-up request failed: ${first.status} ${first.body.toString().slice(0, 300)}`);
  }
  let requests = 0;
  let failures = 0;
  const startedMs = performance.now();
  const endMs = startedMs + job.seconds * 1000;
  await Promise.all(
    connections.map(async (connection) => {
      while (performance.now() < endMs) {
        const response = await connection.request(request);
        if (response.status === 200) requests++;
        else failures++;
      }
    }),
  );
  const seconds = (performance.now() - startedMs) / 1000;
  return { requests, records: requests * job.records, bytes: requests * job.records * job.recordBytes, seconds, failures };
}

// ---------------------------------------------------------------- orchestration

interface Server {
  port: number;
  pid: number;
  stop(): Promise<void>;
}

/** The process's user + system CPU seconds so far (Linux /proc; clock ticks are 1/100 s). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
}

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

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      load: { type: "string" },
      seconds: { type: "string", default: "10" },
      rounds: { type: "string", default: "2" },
      callers: { type: "string", default: "8" },
      records: { type: "string", default: "500" },
      "record-bytes": { type: "string", default: "100" },
      shards: { type: "string", default: "4" },
      storage: { type: "string", default: "memory" },
      fsync: { type: "string", default: "never" },
      profile: { type: "string" },
      dist: { type: "string" },
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
  const best: Record<string, LoadResult | undefined> = {};
  const cpu: Record<string, number[]> = {};
  try {
    for (let round = 0; round < Number(values.rounds); round++) {
      for (const mode of ["off", "sigv4"] as const) {
        const dataDir = join(dir, `data-${mode}-${round}`);
        const args = ["--host", "127.0.0.1", "--port", "0", "--storage", values.storage!, "--fsync", values.fsync!, "--data-dir", dataDir, "--transition-ms", "0", "--log-level", "warn", "--auth", mode];
        if (mode === "sigv4") args.push("--credentials", credentials);
        const server = await startServer(args, values.profile === undefined ? undefined : join(values.profile, mode), values.dist);
        try {
          await waitReadyOrSigned(server.port, mode);
          await ensureStreamSigned(server.port, Number(values.shards), mode);
          const cpuBefore = cpuSeconds(server.pid);
          const result = await runGenerator({
            port: server.port,
            seconds: Number(values.seconds),
            callers: Number(values.callers),
            records: Number(values.records),
            recordBytes: Number(values["record-bytes"]),
          });
          // Server CPU per request is what auth adds to; it holds even when other work shares the cores.
          const cpuUsPerRequest = ((cpuSeconds(server.pid) - cpuBefore) * 1e6) / (result.requests + 1);
          (cpu[mode] ??= []).push(cpuUsPerRequest);
          const rate = result.records / result.seconds;
          process.stdout.write(
            `round ${round + 1} auth ${mode.padEnd(5)} ${Math.round(rate).toLocaleString("en")} records/s, ${(result.bytes / result.seconds / 1e6).toFixed(1)} MB/s data, ` +
              `server CPU ${Math.round(cpuUsPerRequest)} us/request, ${result.failures} failed requests\n`,
          );
          const previous = best[mode];
          if (previous === undefined || rate > previous.records / previous.seconds) best[mode] = result;
        } finally {
          await server.stop();
        }
      }
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  const rate = (r: LoadResult | undefined) => (r === undefined ? 0 : r.records / r.seconds);
  const off = rate(best.off);
  const sigv4 = rate(best.sigv4);
  process.stdout.write(
    `\n| PutRecords (${values.records} x ${values["record-bytes"]} B, ${values.callers} callers, ${values.storage}${values.storage === "file" ? `, fsync ${values.fsync}` : ""}) | records/s |\n|---|---|\n` +
      `| --auth off | ${Math.round(off).toLocaleString("en")} |\n| --auth sigv4 | ${Math.round(sigv4).toLocaleString("en")} |\n` +
      `| sigv4 vs off | ${(((sigv4 - off) / off) * 100).toFixed(1)}% |\n`,
  );
  const median = (xs: number[] | undefined) => {
    const sorted = [...(xs ?? [])].sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)] ?? NaN;
  };
  const cpuOff = median(cpu.off);
  const cpuSigv4 = median(cpu.sigv4);
  process.stdout.write(
    `\n| server CPU per PutRecords request (median of rounds) | us |\n|---|---|\n| --auth off | ${Math.round(cpuOff)} |\n| --auth sigv4 | ${Math.round(cpuSigv4)} |\n` +
      `| CPU-bound throughput, sigv4 vs off | ${((cpuOff / cpuSigv4 - 1) * 100).toFixed(1)}% |\n`,
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

/**
 * The two systems under test, each started as a child process on 127.0.0.1 with an ephemeral port, and
 * the measurement of a child's resident memory.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";

export interface ServerProcess {
  readonly name: string;
  readonly port: number;
  readonly pid: number;
  /** Ends the process (SIGTERM, then SIGKILL after a grace period) and waits for it to exit. */
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 30_000;
const STOP_GRACE_MS = 10_000;

export interface TributaryStartOptions {
  repoDir: string;
  dataDir: string;
  /** When set, the server runs under `--cpu-prof` and writes its profile here when it exits. */
  cpuProfileDir?: string;
}

export function startTributaryProcess(options: TributaryStartOptions): Promise<ServerProcess> {
  const nodeFlags = options.cpuProfileDir === undefined ? [] : ["--cpu-prof", `--cpu-prof-dir=${options.cpuProfileDir}`];
  const args = [
    ...nodeFlags,
    join(options.repoDir, "bin", "tributary.js"),
    "serve",
    "--storage", "file",
    "--fsync", "always",
    "--data-dir", options.dataDir,
    "--host", "127.0.0.1",
    "--port", "0",
    "--transition-ms", "0",
    "--log-level", "warn",
  ];
  return startChild("tributary", args, /listening on https?:\/\/[^:]+:(\d+)/);
}

/** kinesalite keeps its data in memory (its default, what people run it with). */
export function startKinesaliteProcess(repoDir: string): Promise<ServerProcess> {
  const entry = createRequire(join(repoDir, "package.json")).resolve("kinesalite");
  const script =
    `const server = require(${JSON.stringify(entry)})({ createStreamMs: 0, deleteStreamMs: 0, updateStreamMs: 0, shardLimit: 1000 });` +
    `server.listen(0, "127.0.0.1", () => console.log("kinesalite listening on port " + server.address().port));` +
    `process.on("SIGTERM", () => server.close(() => process.exit(0)));`;
  return startChild("kinesalite", ["-e", script], /listening on port (\d+)/);
}

function startChild(name: string, args: string[], portPattern: RegExp): Promise<ServerProcess> {
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${name} did not start within ${START_TIMEOUT_MS} ms:\n${output}`));
    }, START_TIMEOUT_MS);
    const onOutput = (chunk: Buffer) => {
      output += chunk.toString("utf8");
      const match = portPattern.exec(output);
      if (match?.[1] === undefined) return;
      clearTimeout(timer);
      child.stdout?.off("data", onOutput);
      // Keep draining the pipes so a chatty server never blocks on a full pipe; echo warnings.
      child.stdout?.resume();
      child.stderr?.on("data", (c: Buffer) => process.stderr.write(`[${name}] ${c.toString("utf8")}`));
      resolve(wrap(name, child, Number(match[1])));
    };
    child.stdout?.on("data", onOutput);
    child.stderr?.on("data", (c: Buffer) => (output += c.toString("utf8")));
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited during start (${code ?? signal}):\n${output}`));
    });
  });
}

function wrap(name: string, child: ChildProcess, port: number): ServerProcess {
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once("exit", () => resolve());
  });
  return {
    name,
    port,
    pid: child.pid!,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), STOP_GRACE_MS);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Resident set size of a process in bytes (VmRSS from /proc), or NaN where /proc is unavailable. */
export function residentBytes(pid: number): number {
  try {
    const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match?.[1] === undefined ? Number.NaN : Number(match[1]) * 1024;
  } catch {
    return Number.NaN;
  }
}

/** Samples a process's RSS on a timer, keeping the peak. */
export class RssSampler {
  peakBytes = 0;
  private readonly timer: NodeJS.Timeout;
  constructor(private pid: number, intervalMs = 250) {
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
  }
  follow(pid: number): void {
    this.pid = pid;
  }
  sample(): number {
    const bytes = residentBytes(this.pid);
    if (bytes > this.peakBytes) this.peakBytes = bytes;
    return bytes;
  }
  stop(): void {
    clearInterval(this.timer);
  }
}

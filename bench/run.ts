/**
 * The Kinesis benchmark: Tributary (file backend, fsync always) against kinesalite, both as child
 * processes on loopback, driven by the same load generator (bench/load/, a process of its own that sends
 * pre-encoded raw HTTP requests). Prints one markdown table; a full run also rewrites the table in
 * docs/performance.md.
 *
 *   npm run bench                              # defaults: a few minutes in total
 *   npm run bench -- --quick --seconds 1       # a smoke run (what test/bench-smoke.test.ts does)
 *   npm run bench -- --profile /tmp/prof       # Tributary only, one CPU profile per scenario, summarised
 *   npm run bench -- --write-gb 10             # also write 10 GB and report the server's RSS afterwards
 *   npm run bench -- --only put-100,drain --systems tributary
 *   --rounds 3: each scenario three times (alternating the systems), the median reported
 *   --no-build: use dist/ as it is (it is still built when missing); --no-doc: leave docs/ alone.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { join, relative } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { formatSummary, profileFiles, summarizeProfile } from "./kinesis-profile-summary.js";
import type { LatencyResult, LoadJob, LoadResult, PutJob, ThroughputResult, Transport } from "./load/jobs.js";
import { describeMachine, machineInfo } from "./lib/machine.js";
import { residentBytes, RssSampler, startKinesaliteProcess, startTributaryProcess, type ServerProcess } from "./lib/servers.js";
import { ensureConsumer, ensureStream, waitReady } from "./lib/setup.js";
import { markdownTable, type Row } from "./lib/table.js";

const REPO_DIR = fileURLToPath(new URL("..", import.meta.url));
const SHARDS = 4;
const RECORDS_PER_PUT_REQUEST = 500;
const PUT_CALLERS = 8;
const GET_RECORDS_LIMIT = 10_000;
const MB = 1_000_000;
const GB = 1_000_000_000;
const SETTLE_BEFORE_RSS_MS = 1_000;

const SCENARIOS = ["put-100", "put-1k", "drain", "put-h1-per-request", "put-h2", "put-h2-per-caller", "put-h2-shared", "put-latency", "delivery-poll", "delivery-subscribe"] as const;
type ScenarioId = (typeof SCENARIOS)[number] | "bulk-write";
type SystemName = "tributary" | "kinesalite";

const { values: args } = parseArgs({
  options: {
    seconds: { type: "string" },
    quick: { type: "boolean", default: false },
    only: { type: "string" },
    systems: { type: "string", default: "tributary,kinesalite" },
    profile: { type: "string" },
    "write-gb": { type: "string", default: "0" },
    "no-doc": { type: "boolean", default: false },
    "no-build": { type: "boolean", default: false },
    rounds: { type: "string", default: "1" },
  },
});

const quick = args.quick;
const seconds = Number(args.seconds ?? (quick ? "1" : "8"));
const warmupSeconds = quick ? 0 : Math.min(1, seconds / 4);
const latencyCalls = quick ? 100 : 5_000;
const deliveryRecords = quick ? 50 : 2_000;
const writeGb = Number(args["write-gb"]);
const rounds = Number(args.rounds);
if (!Number.isInteger(rounds) || rounds < 1) throw new Error("--rounds must be a positive integer");
const profileDir = args.profile;
const systems = args.systems.split(",").map((s) => s.trim()) as SystemName[];
const only = args.only === undefined ? [...SCENARIOS] : (args.only.split(",").map((s) => s.trim()) as ScenarioId[]);
for (const s of systems) if (s !== "tributary" && s !== "kinesalite") throw new Error(`unknown system ${s}`);
for (const s of only) if (!(SCENARIOS as readonly string[]).includes(s)) throw new Error(`unknown scenario ${s}; known: ${SCENARIOS.join(", ")}`);
if (!(seconds > 0)) throw new Error("--seconds must be a positive number");

const STREAMS = { "put-100": "bench-100", "put-1k": "bench-1k", "put-h1-per-request": "bench-h1-per-request", "put-h2": "bench-h2", "put-h2-per-caller": "bench-h2-per-caller", "put-h2-shared": "bench-h2-shared", latency: "bench-latency", bulk: "bench-bulk" } as const;

const benchStartedMs = performance.now();
function progress(message: string): void {
  process.stderr.write(`[bench ${((performance.now() - benchStartedMs) / 1000).toFixed(1)}s] ${message}\n`);
}

/** Rebuilds dist/ when a source file is newer than the compiled CLI (the server runs from dist/). */
function buildIfStale(): void {
  const built = join(REPO_DIR, "dist", "cli", "main.js");
  const builtMs = existsSync(built) ? statSync(built).mtimeMs : 0;
  const newestSourceMs = newestMtime(join(REPO_DIR, "src"));
  if (builtMs >= newestSourceMs) return;
  if (builtMs > 0 && args["no-build"]) return;
  progress("dist/ is older than src/: npm run build");
  const result = spawnSync("npm", ["run", "build", "--silent"], { cwd: REPO_DIR, stdio: ["ignore", "pipe", "pipe"], encoding: "utf8" });
  if (result.status !== 0) {
    if (!existsSync(built)) throw new Error(`npm run build failed:\n${result.stdout}${result.stderr}`);
    // tsc still emits when another module has type errors; the server may well run, so go on, loudly.
    progress(`npm run build reported errors (continuing with what it emitted):\n${(result.stdout + result.stderr).slice(0, 2000)}`);
  }
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(path));
    else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts")) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

function runLoad(job: LoadJob): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", join(REPO_DIR, "bench", "load", "generator.ts"), JSON.stringify(job)], {
      cwd: REPO_DIR,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString("utf8")));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString("utf8")));
    child.once("error", reject);
    child.once("exit", (code) => {
      const line = stdout.trim().split("\n").pop() ?? "";
      if (code !== 0 || line === "") reject(new Error(`load generator (${job.kind}) failed with ${code}:\n${stderr}`));
      else resolve(JSON.parse(line) as LoadResult);
    });
  });
}

interface SystemResults {
  /** The median of the rounds (records/s; each latency percentile on its own). */
  results: Map<ScenarioId, LoadResult>;
  rounds: Map<ScenarioId, LoadResult[]>;
  rssPeakBytes: number;
  rssAfterBytes: number;
  rssAfterBulkBytes?: number;
  payloadBytesWritten: number;
}

/**
 * One system under test: its server process, its streams, and its results. Both systems stay up for the
 * whole run and each scenario runs against one and then the other, so that both meet the same background
 * load on the machine. In profile mode Tributary restarts per scenario (one CPU profile each).
 */
class SystemUnderTest {
  readonly out: SystemResults = { results: new Map(), rounds: new Map(), rssPeakBytes: 0, rssAfterBytes: Number.NaN, payloadBytesWritten: 0 };
  private server: ServerProcess | undefined;
  private sampler: RssSampler | undefined;
  private consumerArn: string | undefined;
  private shardIds: string[] = [];
  private dataDir = "";
  private readonly profiling: boolean;

  constructor(readonly system: SystemName) {
    this.profiling = profileDir !== undefined && system === "tributary";
  }

  supports(scenario: ScenarioId): boolean {
    return this.system === "tributary" || (scenario !== "put-h2" && scenario !== "put-h2-per-caller" && scenario !== "put-h2-shared" && scenario !== "delivery-subscribe" && scenario !== "bulk-write");
  }

  async open(): Promise<void> {
    this.dataDir = await mkdtemp(join(tmpdir(), `bench-${this.system}-`));
    if (!this.profiling) await this.start(undefined);
  }

  async run(scenario: ScenarioId): Promise<void> {
    if (scenario === "drain" && !this.out.results.has("put-100")) {
      // Something to drain when put-100 was not selected: fill the stream first, unmeasured.
      const s = this.server ?? (await this.start(undefined));
      progress(`${this.system}: filling ${STREAMS["put-100"]} for the drain`);
      await this.put(s.port, STREAMS["put-100"], 100, "http1");
    }
    const s = this.profiling ? await this.start(scenario) : this.server!;
    progress(`${this.system}: ${scenario}`);
    const result = scenario === "bulk-write" ? await this.bulkWrite(s) : await this.runOne(scenario, s.port);
    this.out.results.set(scenario, result);
    this.out.rounds.set(scenario, [...(this.out.rounds.get(scenario) ?? []), result]);
    if (result.kind === "throughput") {
      if (scenario !== "drain") this.out.payloadBytesWritten += result.payloadBytes;
      progress(`${this.system}: ${scenario}: ${Math.round(result.records / result.seconds).toLocaleString("en-US")} records/s, load generator CPU ${result.clientCpuPercent.toFixed(0)}% of a core`);
    }
    this.sampler!.sample();
  }

  combineRounds(): void {
    for (const [scenario, results] of this.out.rounds) this.out.results.set(scenario, medianResult(results));
  }

  /** Resident memory after the run, once the server has been idle for a moment. */
  finish(): void {
    if (this.server !== undefined) this.out.rssAfterBytes = this.sampler!.sample();
    this.out.rssPeakBytes = this.sampler?.peakBytes ?? Number.NaN;
  }

  async close(): Promise<void> {
    this.sampler?.stop();
    await this.server?.stop();
    if (this.dataDir !== "") await rm(this.dataDir, { recursive: true, force: true });
  }

  private async start(scenario: ScenarioId | undefined): Promise<ServerProcess> {
    await this.server?.stop();
    let cpuProfileDir: string | undefined;
    if (this.profiling && scenario !== undefined) {
      cpuProfileDir = join(profileDir!, scenario);
      mkdirSync(cpuProfileDir, { recursive: true });
    }
    const server = this.system === "tributary" ? await startTributaryProcess({ repoDir: REPO_DIR, dataDir: this.dataDir, cpuProfileDir }) : await startKinesaliteProcess(REPO_DIR);
    this.server = server;
    if (this.sampler === undefined) this.sampler = new RssSampler(server.pid);
    else this.sampler.follow(server.pid);
    await waitReady(server.port);
    for (const name of [STREAMS["put-100"], STREAMS["put-1k"], STREAMS["put-h1-per-request"], STREAMS["put-h2"], STREAMS["put-h2-per-caller"], STREAMS["put-h2-shared"], STREAMS.bulk]) await ensureStream(server.port, name, SHARDS);
    const latency = await ensureStream(server.port, STREAMS.latency, SHARDS);
    this.shardIds = latency.shardIds;
    if (this.system === "tributary") this.consumerArn = await ensureConsumer(server.port, latency.arn, "bench-consumer");
    return server;
  }

  private put(port: number, streamName: string, recordBytes: number, transport: Transport, extra: Partial<PutJob> = {}): Promise<LoadResult> {
    return runLoad({ kind: "put", port, transport, streamName, recordBytes, recordsPerRequest: RECORDS_PER_PUT_REQUEST, callers: PUT_CALLERS, warmupSeconds, seconds, ...extra });
  }

  private async bulkWrite(s: ServerProcess): Promise<LoadResult> {
    progress(`${this.system}: writing ${writeGb} GB of 1 KiB records for the memory check`);
    const result = await this.put(s.port, STREAMS.bulk, 1024, "http1", { seconds: 24 * 3600, warmupSeconds: 0, payloadBytesMax: writeGb * GB });
    await sleep(SETTLE_BEFORE_RSS_MS);
    this.out.rssAfterBulkBytes = residentBytes(s.pid);
    return result;
  }

  private runOne(scenario: ScenarioId, port: number): Promise<LoadResult> {
    return runScenario(scenario, port, (p, stream, bytes, transport) => this.put(p, stream, bytes, transport), this.shardIds, this.consumerArn);
  }
}

async function runScenario(
  scenario: ScenarioId,
  port: number,
  put: (port: number, streamName: string, recordBytes: number, transport: Transport) => Promise<LoadResult>,
  shardIds: string[],
  consumerArn: string | undefined,
): Promise<LoadResult> {
  switch (scenario) {
    case "put-100":
      return put(port, STREAMS["put-100"], 100, "http1");
    case "put-1k":
      return put(port, STREAMS["put-1k"], 1024, "http1");
    case "put-h1-per-request":
      return put(port, STREAMS["put-h1-per-request"], 100, "http1-per-request");
    case "put-h2":
      return put(port, STREAMS["put-h2"], 100, "http2");
    case "put-h2-per-caller":
      return put(port, STREAMS["put-h2-per-caller"], 100, "http2-per-caller");
    case "put-h2-shared":
      return put(port, STREAMS["put-h2-shared"], 100, "http2-shared");
    case "drain": {
      const stream = await ensureStream(port, STREAMS["put-100"], SHARDS);
      return runLoad({ kind: "drain", port, streamName: STREAMS["put-100"], shardIds: stream.shardIds, limit: GET_RECORDS_LIMIT });
    }
    case "put-latency":
      return runLoad({ kind: "put-latency", port, streamName: STREAMS.latency, calls: latencyCalls });
    case "delivery-poll":
      return runLoad({ kind: "delivery-poll", port, streamName: STREAMS.latency, shardId: shardIds[0]!, records: deliveryRecords });
    case "delivery-subscribe":
      return runLoad({ kind: "delivery-subscribe", port, streamName: STREAMS.latency, shardId: shardIds[0]!, consumerArn, records: deliveryRecords });
    case "bulk-write":
      throw new Error("bulk-write runs on its own");
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

/** The round with the median rate (throughput), or each latency figure's median across the rounds. */
function medianResult(results: LoadResult[]): LoadResult {
  const first = results[0]!;
  if (results.length === 1) return first;
  if (first.kind === "throughput") {
    const rates = results.map((r) => (r.kind === "throughput" ? r.records / r.seconds : 0));
    return results[rates.indexOf(median(rates))]!;
  }
  const latencies = results.flatMap((r) => (r.kind === "latency" ? [r.latency] : []));
  const pick = (f: (l: (typeof latencies)[number]) => number) => median(latencies.map(f));
  return { kind: "latency", latency: { count: pick((l) => l.count), p50Ms: pick((l) => l.p50Ms), p99Ms: pick((l) => l.p99Ms), maxMs: pick((l) => l.maxMs), meanMs: pick((l) => l.meanMs) } };
}

function throughput(r: SystemResults | undefined, id: ScenarioId): ThroughputResult | undefined {
  const result = r?.results.get(id);
  return result?.kind === "throughput" ? result : undefined;
}
function latency(r: SystemResults | undefined, id: ScenarioId): LatencyResult | undefined {
  const result = r?.results.get(id);
  return result?.kind === "latency" ? result : undefined;
}
const perSecond = (t: ThroughputResult | undefined, of: "records" | "payloadBytes") =>
  t === undefined || t.seconds <= 0 ? undefined : (of === "records" ? t.records : t.payloadBytes / MB) / t.seconds;

function buildRows(tri: SystemResults | undefined, kin: SystemResults | undefined): Row[] {
  const rows: Row[] = [];
  const ratioTarget = (row: Row, times: number) => {
    row.target = `≥ ${times}× kinesalite`;
    if (row.tributary !== undefined && row.kinesalite !== undefined) row.met = row.tributary >= times * row.kinesalite;
    return row;
  };
  const maxTarget = (row: Row, limit: number, unit: string) => {
    row.target = `≤ ${limit} ${unit}`;
    if (row.tributary !== undefined) row.met = row.tributary <= limit;
    return row;
  };
  const putRows = (id: ScenarioId, label: string) => {
    if (!only.includes(id as never)) return;
    const t = throughput(tri, id);
    const k = throughput(kin, id);
    rows.push(ratioTarget({ scenario: label, metric: "records/s", tributary: perSecond(t, "records"), kinesalite: perSecond(k, "records"), better: "higher" }, 20));
    rows.push({ scenario: label, metric: "MB/s (payload)", tributary: perSecond(t, "payloadBytes"), kinesalite: perSecond(k, "payloadBytes"), better: "higher" });
  };
  putRows("put-100", `PutRecords 500 × 100 B, ${PUT_CALLERS} callers, ${SHARDS} shards, HTTP/1.1`);
  putRows("put-1k", `PutRecords 500 × 1 KiB, ${PUT_CALLERS} callers, ${SHARDS} shards, HTTP/1.1`);
  if (only.includes("drain")) {
    rows.push(
      ratioTarget(
        { scenario: `GetRecords drain from TRIM_HORIZON (100 B records, Limit ${GET_RECORDS_LIMIT}, 1 caller per shard)`, metric: "records/s", tributary: perSecond(throughput(tri, "drain"), "records"), kinesalite: perSecond(throughput(kin, "drain"), "records"), better: "higher" },
        20,
      ),
    );
  }
  const latencyRows = (id: ScenarioId, label: string, p50: number, p99: number) => {
    if (!only.includes(id as never)) return;
    const t = latency(tri, id)?.latency;
    const k = latency(kin, id)?.latency;
    rows.push(maxTarget({ scenario: label, metric: "p50 ms", tributary: t?.p50Ms, kinesalite: k?.p50Ms, better: "lower" }, p50, "ms"));
    rows.push(maxTarget({ scenario: label, metric: "p99 ms", tributary: t?.p99Ms, kinesalite: k?.p99Ms, better: "lower" }, p99, "ms"));
  };
  latencyRows("put-latency", `PutRecord, 1 caller, ${latencyCalls.toLocaleString("en-US")} sequential calls`, 1, 3);
  const deliveryLabel = `${deliveryRecords.toLocaleString("en-US")} records, put sent → record received`;
  if (only.includes("delivery-poll")) {
    const t = latency(tri, "delivery-poll")?.latency;
    const k = latency(kin, "delivery-poll")?.latency;
    rows.push({ scenario: `Delivery via tight GetRecords polling, ${deliveryLabel}`, metric: "p50 ms", tributary: t?.p50Ms, kinesalite: k?.p50Ms, better: "lower" });
    rows.push({ scenario: `Delivery via tight GetRecords polling, ${deliveryLabel}`, metric: "p99 ms", tributary: t?.p99Ms, kinesalite: k?.p99Ms, better: "lower" });
  }
  latencyRows("delivery-subscribe", `Delivery via SubscribeToShard (kinesalite: not supported), ${deliveryLabel}`, 1, 5);
  /** An HTTP/2 scenario's records/s and its share of HTTP/1.1 keep-alive (`put-100`); `targeted`: the 80% target applies. */
  const http2Rows = (id: ScenarioId, label: string, shareLabel: string, targeted: boolean) => {
    if (!only.includes(id as never) || !only.includes("put-100")) return;
    const h1 = perSecond(throughput(tri, "put-100"), "records");
    const h2 = perSecond(throughput(tri, id), "records");
    rows.push({ scenario: label, metric: "records/s", tributary: h2, kinesalite: undefined, better: "higher" });
    const share = h1 === undefined || h2 === undefined ? undefined : (100 * h2) / h1;
    const row: Row = { scenario: shareLabel, metric: "%", tributary: share, kinesalite: undefined, better: "higher" };
    if (targeted) {
      row.target = "≥ 80%";
      if (share !== undefined) row.met = share >= 80;
    }
    rows.push(row);
  };
  // Not a target row: the gap is a TCP connection per request, which costs HTTP/1.1 as much (put-h1-per-request).
  http2Rows(
    "put-h2",
    "PutRecords 500 × 100 B over HTTP/2 as the Kinesis JS SDK v3 sends it (a session per request, 8 callers; kinesalite: no HTTP/2)",
    "HTTP/2 (session per request, as the SDK) throughput as a share of HTTP/1.1 keep-alive",
    false,
  );
  if (only.includes("put-h2") && only.includes("put-h1-per-request")) {
    const t = throughput(tri, "put-h1-per-request");
    const k = throughput(kin, "put-h1-per-request");
    const h1 = perSecond(t, "records");
    const h2 = perSecond(throughput(tri, "put-h2"), "records");
    rows.push({ scenario: "PutRecords 500 × 100 B over HTTP/1.1 with a new connection per request (put-h2's shape over HTTP/1.1), 8 callers", metric: "records/s", tributary: h1, kinesalite: perSecond(k, "records"), better: "higher" });
    const share = h1 === undefined || h2 === undefined ? undefined : (100 * h2) / h1;
    rows.push({ scenario: "HTTP/2 (session per request, as the SDK) throughput as a share of HTTP/1.1 with a connection per request (same shape)", metric: "%", tributary: share, kinesalite: undefined, better: "higher" });
  }
  http2Rows(
    "put-h2-per-caller",
    "PutRecords 500 × 100 B over HTTP/2, a connection per caller kept open (put-100's shape over HTTP/2), 8 callers",
    "HTTP/2 (connection per caller) throughput as a share of HTTP/1.1 keep-alive (same load, same shape)",
    true,
  );
  http2Rows(
    "put-h2-shared",
    "PutRecords 500 × 100 B over HTTP/2, 8 streams multiplexed on 1 connection (client windows 1 MiB per stream, 8 MiB per connection)",
    "HTTP/2 (multiplexed) throughput as a share of HTTP/1.1 keep-alive",
    true,
  );
  const mib = (bytes: number | undefined) => (bytes === undefined || Number.isNaN(bytes) ? undefined : bytes / 2 ** 20);
  const writtenGb = (r: SystemResults | undefined) => (r === undefined ? "" : `${(r.payloadBytesWritten / GB).toFixed(2)}`);
  rows.push({ scenario: `Server RSS, peak during the run (payload written: Tributary ${writtenGb(tri)} GB, kinesalite ${writtenGb(kin)} GB)`, metric: "MiB", tributary: mib(tri?.rssPeakBytes), kinesalite: mib(kin?.rssPeakBytes), better: "lower" });
  rows.push({ scenario: "Server RSS after the run (1 s idle)", metric: "MiB", tributary: mib(tri?.rssAfterBytes), kinesalite: mib(kin?.rssAfterBytes), better: "lower" });
  if (tri?.rssAfterBulkBytes !== undefined) {
    const bulk = throughput(tri, "bulk-write");
    // The issue's 250 MB are 238.4 MiB.
    rows.push(maxTarget({ scenario: `Server RSS after writing ${writeGb} GB (1 KiB records, ${formatRate(bulk)})`, metric: "MiB", tributary: mib(tri.rssAfterBulkBytes), kinesalite: undefined, better: "lower" }, 238.4, "MiB (250 MB)"));
  }
  return rows;
}

function formatRate(t: ThroughputResult | undefined): string {
  const mbs = perSecond(t, "payloadBytes");
  return mbs === undefined ? "n/a" : `${mbs.toFixed(0)} MB/s`;
}

const DOC_BEGIN = "<!-- bench:begin (generated by npm run bench; edit outside these markers) -->";
const DOC_END = "<!-- bench:end -->";

/** Replaces the generated part of docs/performance.md and keeps whatever was written around it. */
function writeDoc(table: string, command: string, loadAtStart: number): void {
  const path = join(REPO_DIR, "docs", "performance.md");
  const generated = [
    DOC_BEGIN,
    `Measured ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC on: ${describeMachine(machineInfo())}.`,
    "",
    `Reproduce with \`${command}\` (Tributary: file backend, \`--fsync always\`; kinesalite 3.3.3: in memory, its default).`,
    "",
    table,
    "",
    "- *Tributary advantage*: Tributary ÷ kinesalite for throughput, kinesalite ÷ Tributary for latency and memory (above 1× means Tributary is better).",
    `- ${rounds === 1 ? "One round per scenario" : `Each figure is the median of ${rounds} rounds`}; the systems take turns scenario by scenario, so both meet the same background load.`,
    "- Delivery latency runs from sending the PutRecord to receiving the record, so it includes the put itself.",
    `- The load generator is one process of its own (see bench/load/) using a few percent of a core; 1-minute load average ${loadAtStart.toFixed(1)} at the start of the run and ${(loadavg()[0] ?? 0).toFixed(1)} at its end (other work on the machine skews the figures, tails most).`,
    DOC_END,
  ].join("\n");
  let text = existsSync(path) ? readFileSync(path, "utf8") : `# Performance\n\n${DOC_BEGIN}\n${DOC_END}\n`;
  const begin = text.indexOf(DOC_BEGIN);
  const end = text.indexOf(DOC_END);
  text = begin >= 0 && end > begin ? text.slice(0, begin) + generated + text.slice(end + DOC_END.length) : `${text.trimEnd()}\n\n${generated}\n`;
  mkdirSync(join(REPO_DIR, "docs"), { recursive: true });
  writeFileSync(path, text);
  progress(`wrote ${relative(process.cwd(), path)}`);
}

async function main(): Promise<void> {
  const loadAtStart = loadavg()[0] ?? 0;
  buildIfStale();
  if (loadAtStart > machineInfo().cpus) progress(`warning: load average ${loadAtStart.toFixed(1)} on ${machineInfo().cpus} CPUs; other work will skew the figures`);
  const suts = systems.map((system) => new SystemUnderTest(system));
  try {
    for (const sut of suts) await sut.open();
    const scenarios: ScenarioId[] = [...only, ...(writeGb > 0 ? (["bulk-write"] as const) : [])];
    for (const scenario of scenarios) {
      const times = scenario === "bulk-write" ? 1 : rounds;
      for (let round = 0; round < times; round++) for (const sut of suts) if (sut.supports(scenario)) await sut.run(scenario);
    }
    for (const sut of suts) sut.combineRounds();
    await sleep(SETTLE_BEFORE_RSS_MS);
    for (const sut of suts) sut.finish();
  } finally {
    for (const sut of suts) await sut.close();
  }
  const results = new Map(suts.map((sut) => [sut.system, sut.out]));
  const table = markdownTable(buildRows(results.get("tributary"), results.get("kinesalite")));
  const command = ["npm run bench", ...(process.argv.length > 2 ? ["--", ...process.argv.slice(2)] : [])].join(" ");
  console.log(`\nMachine: ${describeMachine(machineInfo())}; load average ${loadAtStart.toFixed(1)} → ${(loadavg()[0] ?? 0).toFixed(1)}\nCommand: ${command}\n\n${table}\n`);
  if (profileDir !== undefined) {
    const summaries: string[] = [];
    for (const scenario of [...only, ...(writeGb > 0 ? ["bulk-write"] : [])]) {
      const dir = join(profileDir, scenario);
      if (!existsSync(dir)) continue;
      for (const file of profileFiles(dir)) summaries.push(formatSummary(`Tributary, ${scenario}`, summarizeProfile(file, REPO_DIR, 15)));
    }
    writeFileSync(join(profileDir, "summary.md"), summaries.join("\n"));
    console.log(summaries.join("\n"));
  }
  const fullRun = !quick && !args["no-doc"] && args.only === undefined && profileDir === undefined && systems.length === 2;
  if (fullRun) writeDoc(table, command, loadAtStart);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});

/**
 * Storage benchmark (not a test): append and read throughput of the file backend, start-up time with
 * data stored, and resident memory while writing.
 *
 *   node --import tsx bench/storage-append.ts [--gb 1] [--seconds 3] [--dir /tmp/x] [--only append|latency|startup]
 *
 * BENCH_MEMORY_DETAIL=1 also prints process.memoryUsage() after each fill (heap vs array buffers vs RSS).
 */
import { mkdtemp, readdir, rm, unlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { systemClock } from "../src/core/clock.js";
import { silentLogger } from "../src/core/log.js";
import { SEGMENT_BYTES_DEFAULT_MAX } from "../src/core/limits.js";
import { createFileBackend } from "../src/storage/file/file-backend.js";
import type { FsyncMode } from "../src/storage/open-backend.js";
import type { AppendRecord, ShardLog, ShardLogKey, StorageBackend } from "../src/storage/types.js";

const { values: args } = parseArgs({
  options: {
    gb: { type: "string", default: "1" },
    seconds: { type: "string", default: "3" },
    dir: { type: "string" },
    only: { type: "string" },
  },
});
const GB = Number(args.gb);
const SECONDS = Number(args.seconds);
const SHARDS = 4;
const APPENDERS = 8;
const BATCH_RECORDS = 500;
const MIB = 1024 * 1024;

const rows: string[][] = [];
function row(...cells: (string | number)[]): void {
  const line = cells.map((c) => (typeof c === "number" ? fmt(c) : c));
  rows.push(line);
  console.log(line.join("  |  "));
}
function fmt(n: number): string {
  return n >= 100 || Number.isInteger(n) ? Math.round(n).toLocaleString("en-US") : n.toFixed(2);
}

function key(shard: number, stream = "bench"): ShardLogKey {
  return { account: "123456789012", region: "us-east-1", streamName: stream, shardId: `shardId-${String(shard).padStart(12, "0")}` };
}

function makeBatch(recordBytes: number): AppendRecord[] {
  return Array.from({ length: BATCH_RECORDS }, (_, i) => {
    const data = new Uint8Array(recordBytes);
    for (let j = 0; j < recordBytes; j++) data[j] = (i + j) & 0xff;
    return { partitionKey: `pk-${i % 97}`, data };
  });
}

async function open(dataDir: string, fsync: FsyncMode, segmentBytesMax = SEGMENT_BYTES_DEFAULT_MAX): Promise<StorageBackend> {
  return createFileBackend({ dataDir, fsync, segmentBytesMax, logger: silentLogger, clock: systemClock });
}

async function appendFor(logs: ShardLog[], batch: AppendRecord[], seconds: number, onTick?: () => void): Promise<{ records: number; ms: number }> {
  const deadline = performance.now() + seconds * 1000;
  let records = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: APPENDERS }, async (_, a) => {
      let shard = a % logs.length;
      while (performance.now() < deadline) {
        await (logs[shard] as ShardLog).append(batch, Date.now());
        records += batch.length;
        shard = (shard + 1) % logs.length;
        onTick?.();
      }
    }),
  );
  return { records, ms: performance.now() - started };
}

async function appendBench(root: string): Promise<void> {
  console.log(`\n== append: ${APPENDERS} appenders, batches of ${BATCH_RECORDS}, ${SHARDS} shards, ${SECONDS}s each ==`);
  row("fsync", "record B", "records/s", "MB/s (data)");
  for (const fsync of [{ kind: "always" }, { kind: "never" }] as FsyncMode[]) {
    for (const recordBytes of [100, 1024]) {
      const dir = await mkdtemp(join(root, "append-"));
      const backend = await open(dir, fsync);
      const logs = await Promise.all(Array.from({ length: SHARDS }, (_, s) => backend.logs.open(key(s))));
      const batch = makeBatch(recordBytes);
      await appendFor(logs, batch, 0.3); // warm-up
      const { records, ms } = await appendFor(logs, batch, SECONDS);
      row(fsync.kind, recordBytes, (records / ms) * 1000, ((records * recordBytes) / ms) * 1000 / MIB);
      if (fsync.kind === "always" && recordBytes === 100) await readBench(backend, logs[0] as ShardLog);
      await backend.close();
      await rm(dir, { recursive: true, force: true });
    }
  }
}

/** Latency of acknowledged appends with `--fsync always`: what one PutRecord waits for the disk. */
async function latencyBench(root: string): Promise<void> {
  console.log(`\n== commit latency, fsync always, 1 shard, ${SECONDS}s each ==`);
  row("appenders", "records/append", "record B", "appends/s", "p50 ms", "p99 ms");
  for (const [appenders, records, recordBytes] of [
    [1, 1, 100],
    [1, BATCH_RECORDS, 100],
    [16, 1, 100],
  ] as const) {
    const dir = await mkdtemp(join(root, "latency-"));
    const backend = await open(dir, { kind: "always" });
    const log = await backend.logs.open(key(0));
    const batch = makeBatch(recordBytes).slice(0, records);
    const latencies: number[] = [];
    const run = async (seconds: number, record: boolean) => {
      const deadline = performance.now() + seconds * 1000;
      await Promise.all(
        Array.from({ length: appenders }, async () => {
          while (performance.now() < deadline) {
            const t = performance.now();
            await log.append(batch, Date.now());
            if (record) latencies.push(performance.now() - t);
          }
        }),
      );
    };
    await run(0.3, false);
    await run(SECONDS, true);
    latencies.sort((a, b) => a - b);
    const q = (p: number) => latencies[Math.floor(p * (latencies.length - 1))] ?? NaN;
    row(appenders, records, recordBytes, latencies.length / SECONDS, q(0.5), q(0.99));
    await backend.close();
    await rm(dir, { recursive: true, force: true });
  }
}

async function readBench(backend: StorageBackend, log: ShardLog): Promise<void> {
  void backend;
  let records = 0;
  let bytes = 0;
  const started = performance.now();
  let offset = log.startOffset;
  while (offset < log.endOffset) {
    const read = await log.read({ fromOffset: offset, recordsMax: 10_000, bytesMax: 10 * MIB });
    records += read.records.length;
    for (const r of read.records) bytes += r.data.length;
    offset = read.nextOffset;
  }
  const ms = performance.now() - started;
  console.log(`   read back one shard (GetRecords-sized batches of 10,000): ${fmt((records / ms) * 1000)} records/s, ${fmt(((bytes / ms) * 1000) / MIB)} MB/s (${records} records)`);
}

async function fill(dir: string, gb: number, rss: number[]): Promise<void> {
  const backend = await open(dir, { kind: "never" });
  const logs = await Promise.all(Array.from({ length: SHARDS }, (_, s) => backend.logs.open(key(s))));
  const batch = makeBatch(1024);
  const target = gb * 1024 * MIB;
  let written = 0;
  let nextSample = 0;
  await Promise.all(
    Array.from({ length: APPENDERS }, async (_, a) => {
      let shard = a % SHARDS;
      while (written < target) {
        await (logs[shard] as ShardLog).append(batch, Date.now());
        written += BATCH_RECORDS * 1024;
        shard = (shard + 1) % SHARDS;
        if (written >= nextSample) {
          rss.push(process.memoryUsage().rss);
          nextSample += target / 20;
        }
      }
    }),
  );
  // What a server holding the backend open keeps after the writes (tail cache, pools, heap).
  rss.push(process.memoryUsage().rss);
  if (process.env.BENCH_MEMORY_DETAIL) console.log(process.memoryUsage());
  await backend.close();
}

async function startupOnce(dir: string, crashed: boolean): Promise<{ openMs: number; shardsMs: number }> {
  if (crashed) {
    for (let s = 0; s < SHARDS; s++) {
      const k = key(s);
      await unlink(join(dir, "logs", k.account, k.region, k.streamName, k.shardId, "clean-shutdown.json")).catch(() => undefined);
    }
  }
  const t0 = performance.now();
  const backend = await open(dir, { kind: "always" });
  const t1 = performance.now();
  const logs = await Promise.all(Array.from({ length: SHARDS }, (_, s) => backend.logs.open(key(s))));
  const t2 = performance.now();
  // A first read at the tail and one at the head, as consumers would do.
  for (const log of logs) {
    await log.read({ fromOffset: log.endOffset - 1, recordsMax: 1, bytesMax: MIB });
    await log.read({ fromOffset: 0, recordsMax: 1, bytesMax: MIB });
  }
  await backend.close();
  return { openMs: t1 - t0, shardsMs: t2 - t1 };
}

async function startupBench(root: string): Promise<void> {
  console.log(`\n== start-up and memory: ${SHARDS} shards of 1 KiB records, ${SEGMENT_BYTES_DEFAULT_MAX / MIB} MiB segments ==`);
  const dir = await mkdtemp(join(root, "startup-"));
  const steps = [GB / 4, GB / 4, GB / 2];
  let stored = 0;
  row("GB stored", "segments", "open backend ms", "open shards ms (clean)", "open shards ms (after crash)", "RSS MiB while writing (min-max)", "RSS MiB after");
  for (const step of steps) {
    const rss: number[] = [];
    await fill(dir, step, rss);
    stored += step;
    let segments = 0;
    for (let s = 0; s < SHARDS; s++) {
      const k = key(s);
      segments += (await readdir(join(dir, "logs", k.account, k.region, k.streamName, k.shardId))).filter((n) => n.endsWith(".log")).length;
    }
    const clean = await startupOnce(dir, false);
    const crashed = await startupOnce(dir, true);
    row(stored, segments, clean.openMs, clean.shardsMs, crashed.shardsMs, `${fmt(Math.min(...rss) / MIB)}-${fmt(Math.max(...rss) / MIB)}`, (rss.at(-1) ?? 0) / MIB);
  }
  await rm(dir, { recursive: true, force: true });
}

const root = args.dir ?? (await mkdtemp(join(tmpdir(), "tributary-bench-")));
try {
  if (!args.only || args.only === "append") await appendBench(root);
  if (!args.only || args.only === "latency") await latencyBench(root);
  if (!args.only || args.only === "startup") await startupBench(root);
} finally {
  if (!args.dir) await rm(root, { recursive: true, force: true });
}

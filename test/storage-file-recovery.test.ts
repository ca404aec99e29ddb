import { appendFile, readFile, stat, truncate, unlink, writeFile, mkdir, readdir } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { FileSystem } from "../src/storage/file/fs-layer.js";
import { nodeFileSystem } from "../src/storage/file/fs-layer.js";
import {
  capturingLogger,
  forgetCleanShutdown,
  makeRecords,
  openFile,
  readAll,
  SHARD,
  segmentFiles,
  shardDir,
  T0_MS,
  tempDataDir,
} from "./helpers/storage-fixtures.js";

let dataDir: string;
let cleanup: () => Promise<void>;

beforeEach(async () => {
  ({ dir: dataDir, cleanup } = await tempDataDir());
});
afterEach(() => cleanup());

/** Writes 20 batches of 10 records of 200 bytes (~48 KiB of log) and closes. */
async function writeSome(segmentBytesMax = 64 * 1024): Promise<void> {
  const backend = await openFile(dataDir, { segmentBytesMax });
  const log = await backend.logs.open(SHARD);
  for (let b = 0; b < 20; b++) await log.append(makeRecords(10, 200, `b${b}`), T0_MS + b * 1000);
  await backend.close();
  await forgetCleanShutdown(dataDir);
}

describe("file backend recovery", () => {
  it("keeps everything before a torn tail and truncates the torn frame", async () => {
    await writeSome();
    const [newest] = (await segmentFiles(dataDir, "log")).slice(-1);
    const path = join(shardDir(dataDir), newest!);
    const size = (await stat(path)).size;
    await truncate(path, size - 100);
    const captured = capturingLogger();
    const backend = await openFile(dataDir, { logger: captured.logger });
    const log = await backend.logs.open(SHARD);
    expect(log.endOffset).toBe(199);
    const records = await readAll(log);
    expect(records.map((r) => r.offset)).toEqual(Array.from({ length: 199 }, (_, i) => i));
    expect([...records[198]!.data]).toEqual([...makeRecords(10, 200, "b19")[8]!.data]);
    expect(captured.lines.some((l) => l.msg.includes("truncating the newest segment"))).toBe(true);
    expect((await stat(path)).size).toBeLessThan(size - 100);
    expect((await log.append(makeRecords(1, 5, "after"), T0_MS + 60_000)).firstOffset).toBe(199);
    await backend.close();
  });

  it("truncates a garbage tail and carries on at the right offset", async () => {
    await writeSome();
    const [newest] = (await segmentFiles(dataDir, "log")).slice(-1);
    const path = join(shardDir(dataDir), newest!);
    const size = (await stat(path)).size;
    const garbage = Buffer.alloc(5000);
    for (let i = 0; i < garbage.length; i++) garbage[i] = (i * 7919) & 0xff;
    await appendFile(path, garbage);
    const backend = await openFile(dataDir);
    const log = await backend.logs.open(SHARD);
    expect(log.endOffset).toBe(200);
    expect((await stat(path)).size).toBe(size);
    await log.append(makeRecords(3, 10, "next"), T0_MS + 60_000);
    expect((await readAll(log)).map((r) => r.offset)).toEqual(Array.from({ length: 203 }, (_, i) => i));
    await backend.close();
  });

  it("recovers a zero-filled tail (a power cut after the size grew but before the data)", async () => {
    await writeSome();
    const [newest] = (await segmentFiles(dataDir, "log")).slice(-1);
    await appendFile(join(shardDir(dataDir), newest!), Buffer.alloc(4096));
    const backend = await openFile(dataDir);
    const log = await backend.logs.open(SHARD);
    expect(log.endOffset).toBe(200);
    await backend.close();
  });

  it("drops the zero padding of a direct write after a crash without a warning", async () => {
    await writeSome();
    const [newest] = (await segmentFiles(dataDir, "log")).slice(-1);
    const path = join(shardDir(dataDir), newest!);
    // What a crash between a direct write and the close's truncation leaves: the last block zero-filled.
    const size = (await stat(path)).size;
    await appendFile(path, Buffer.alloc(4096 - (size % 4096)));
    await forgetCleanShutdown(dataDir);
    const captured = capturingLogger();
    const backend = await openFile(dataDir, { logger: captured.logger });
    const log = await backend.logs.open(SHARD);
    expect(log.endOffset).toBe(200);
    expect(captured.lines.filter((l) => l.level === "warn")).toEqual([]);
    expect(captured.lines.some((l) => l.msg.includes("zero padding"))).toBe(true);
    expect((await log.append(makeRecords(3, 10, "after"), T0_MS + 9000)).firstOffset).toBe(200);
    expect((await readAll(log)).map((r) => r.offset)).toEqual(Array.from({ length: 203 }, (_, i) => i));
    await backend.close();
    expect((await stat(path)).size % 4096).not.toBe(0);
  });

  it("rebuilds a missing or damaged index of a sealed segment", async () => {
    await writeSome(8 * 1024);
    const indexes = await segmentFiles(dataDir, "index");
    expect(indexes.length).toBeGreaterThan(2);
    await unlink(join(shardDir(dataDir), indexes[0]!));
    await writeFile(join(shardDir(dataDir), indexes[1]!), Buffer.from("not an index at all"));
    await unlink(join(shardDir(dataDir), indexes[1]!.replace(".index", ".timeindex")));
    const captured = capturingLogger();
    const backend = await openFile(dataDir, { segmentBytesMax: 8 * 1024, logger: captured.logger });
    const log = await backend.logs.open(SHARD);
    const records = await readAll(log);
    expect(records.map((r) => r.offset)).toEqual(Array.from({ length: 200 }, (_, i) => i));
    expect(await log.offsetAtTime(T0_MS + 3000)).toBe(30);
    expect(captured.lines.filter((l) => l.msg.includes("rebuilding")).length).toBe(2);
    // The newest segment's index files (left by the last close) are dropped: it is active again, indexed in memory.
    expect(await segmentFiles(dataDir, "index")).toEqual(indexes.slice(0, -1));
    expect((await readFile(join(shardDir(dataDir), indexes[0]!))).length % 8).toBe(0);
    await backend.close();
  });

  it("skips and reports a damaged frame in the middle of a segment, never serving it", async () => {
    await writeSome(1024 * 1024);
    const [segment] = await segmentFiles(dataDir, "log");
    const path = join(shardDir(dataDir), segment!);
    const bytes = await readFile(path);
    // Corrupt one data byte of record 55 (each frame: 36 header + key + 200 data bytes).
    let position = 0;
    for (let i = 0; i < 55; i++) position += bytes.readUInt32LE(position);
    bytes[position + 100] = (bytes[position + 100] as number) ^ 0xff;
    await writeFile(path, bytes);
    // Appending more (and closing cleanly) makes that segment no longer the scanned tail.
    const captured = capturingLogger();
    const backend = await openFile(dataDir, { segmentBytesMax: 1024 * 1024, logger: captured.logger });
    const log = await backend.logs.open(SHARD);
    // Recovery truncates the newest segment at its first invalid frame: everything from 55 on is gone.
    expect(log.endOffset).toBe(55);
    await backend.close();

    // Damage in a sealed segment is skipped on read instead.
    await cleanup();
    ({ dir: dataDir, cleanup } = await tempDataDir());
    await writeSome(16 * 1024);
    const [first] = await segmentFiles(dataDir, "log");
    const firstPath = join(shardDir(dataDir), first!);
    const sealed = await readFile(firstPath);
    let at = 0;
    for (let i = 0; i < 30; i++) at += sealed.readUInt32LE(at);
    sealed[at + 60] = (sealed[at + 60] as number) ^ 0x01;
    await writeFile(firstPath, sealed);
    const captured2 = capturingLogger();
    const again = await openFile(dataDir, { segmentBytesMax: 16 * 1024, logger: captured2.logger });
    const log2 = await again.logs.open(SHARD);
    expect(log2.endOffset).toBe(200);
    const records = await readAll(log2);
    const offsets = records.map((r) => r.offset);
    expect(offsets).not.toContain(30);
    expect(offsets).toContain(29);
    expect(offsets.at(-1)).toBe(199);
    // Only a bounded stretch (up to the next index entry, ~4 KiB of log) is lost.
    expect(offsets.length).toBeGreaterThan(200 - 20);
    for (const r of records) {
      const batch = Math.floor(r.offset / 10);
      expect([...r.data]).toEqual([...makeRecords(10, 200, `b${batch}`)[r.offset % 10]!.data]);
    }
    const report = captured2.lines.find((l) => l.msg.includes("damaged frame skipped"));
    expect(report).toMatchObject({ level: "error", skippedFrom: 30 });
    await again.close();
  });

  it("starts without reading old segments, and trusts a clean shutdown without a scan", async () => {
    await writeSome(8 * 1024);
    const captured = capturingLogger();
    const backend = await openFile(dataDir, { segmentBytesMax: 8 * 1024, logger: captured.logger });
    const log = await backend.logs.open(SHARD);
    expect(log.endOffset).toBe(200);
    expect(log.startOffset).toBe(0);
    expect(log.lastArrivalMs).toBe(T0_MS + 19_000);
    await backend.close();
    expect(await readdir(shardDir(dataDir))).toContain("clean-shutdown.json");
    const again = await openFile(dataDir, { segmentBytesMax: 8 * 1024 });
    const log2 = await again.logs.open(SHARD);
    expect(log2.endOffset).toBe(200);
    expect(log2.lastArrivalMs).toBe(T0_MS + 19_000);
    expect((await readAll(log2)).length).toBe(200);
    await again.close();
  });

  it("opens a crashed shard reading only its newest segment, not older segments or their indexes", async () => {
    await writeSome(8 * 1024);
    const logs = await segmentFiles(dataDir, "log");
    expect(logs.length).toBeGreaterThan(3);
    const touched: string[] = [];
    const fs: FileSystem = {
      ...nodeFileSystem,
      open: (path, flags) => {
        touched.push(path);
        return nodeFileSystem.open(path, flags);
      },
      readFile: (path) => {
        touched.push(path);
        return nodeFileSystem.readFile(path);
      },
    };
    const backend = await openFile(dataDir, { segmentBytesMax: 8 * 1024, fs });
    const log = await backend.logs.open(SHARD);
    expect(log.endOffset).toBe(200);
    const segmentsTouched = touched.filter((p) => p.startsWith(shardDir(dataDir))).map((p) => p.slice(shardDir(dataDir).length + 1));
    // The newest segment, and the one before it only for its closing time-index entry (lastArrivalMs).
    for (const name of logs.slice(0, -2)) expect(segmentsTouched.filter((t) => t.startsWith(name.replace(".log", "")))).toEqual([]);
    await backend.close();
  });

  it("finishes deleting a removed stream's logs at start-up", async () => {
    const trash = join(dataDir, "logs", ".trash", "123-abc", "shardId-000000000000");
    await mkdir(trash, { recursive: true });
    await writeFile(join(trash, "00000000000000000000.log"), "x");
    const backend = await openFile(dataDir);
    await backend.close();
    expect(await readdir(join(dataDir, "logs", ".trash"))).toEqual([]);
  });

  it("locks the data directory against a second backend and takes over a stale lock", async () => {
    const backend = await openFile(dataDir);
    await expect(openFile(dataDir)).rejects.toThrow(/in use by process/);
    await backend.close();
    await writeFile(join(dataDir, "LOCK"), "999999999\n");
    const again = await openFile(dataDir);
    await again.close();
  });
});

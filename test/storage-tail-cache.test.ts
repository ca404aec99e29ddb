import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { TAIL_CACHE_BYTES_MAX } from "../src/core/limits.js";
import type { ShardLog, ShardLogKey } from "../src/storage/types.js";
import { FaultyFileSystem } from "./helpers/storage-faulty-fs.js";
import { makeRecords, openFile, SHARD, T0_MS, tempDataDir } from "./helpers/storage-fixtures.js";

let dataDir: string;
let cleanup: () => Promise<void>;

beforeEach(async () => {
  ({ dir: dataDir, cleanup } = await tempDataDir());
});
afterEach(() => cleanup());

const shard = (i: number): ShardLogKey => ({ ...SHARD, shardId: `shardId-00000000000${i}` });

describe("file backend tail cache (default size)", () => {
  it("serves caught-up consumers from memory and older records from disk", async () => {
    const fs = new FaultyFileSystem();
    const backend = await openFile(dataDir, { fs, tailCacheBytesMax: TAIL_CACHE_BYTES_MAX, segmentBytesMax: 8 * 1024 * 1024 });
    const logs: ShardLog[] = [];
    for (let i = 0; i < 4; i++) logs.push(await backend.logs.open(shard(i)));
    // 4 shards × 40 batches of 500 × 1 KiB ≈ 80 MiB written: more than the cache holds.
    const positions = [0, 0, 0, 0];
    for (let round = 0; round < 40; round++) {
      for (let i = 0; i < 4; i++) {
        const log = logs[i] as ShardLog;
        await log.append(makeRecords(500, 1024, `r${round}`), T0_MS + round);
        const before = fs.reads;
        const read = await log.read({ fromOffset: positions[i] as number, recordsMax: 10_000, bytesMax: 10 * 1024 * 1024 });
        expect(fs.reads).toBe(before);
        expect(read.records.length).toBe(500);
        positions[i] = read.nextOffset;
      }
    }
    // A consumer starting from the beginning reads from disk.
    const before = fs.reads;
    const old = await (logs[0] as ShardLog).read({ fromOffset: 0, recordsMax: 1000, bytesMax: 10 * 1024 * 1024 });
    expect(old.records.map((r) => r.partitionKey).slice(0, 2)).toEqual(["r0-0", "r0-1"]);
    expect(fs.reads).toBeGreaterThan(before);
    await backend.close();
  });
});

import { describe, expect, it } from "vitest";
import { isInPlaceRecord } from "../types.js";
import { MemoryShardLog } from "./memory-log.js";

const KEY = { account: "000000000000", region: "us-east-1", streamName: "s", shardId: "shardId-000000000000" };
const T0 = Date.UTC(2026, 0, 1);

/** 100-byte records whose bytes say which record they are. */
const record = (i: number) => ({ partitionKey: `key-${i}-é`, data: new Uint8Array(100).fill(i % 251), ...(i % 10 === 0 ? { explicitHashKey: String(i) } : {}) });

describe("MemoryShardLog's blocks", () => {
  it("reads records across many blocks, finds times and trims whole blocks away", async () => {
    const log = new MemoryShardLog(KEY);
    // 30,000 records of ~140 bytes: the 4 KiB first block, doubling blocks, then 1 MiB ones.
    for (let batch = 0; batch < 300; batch++) {
      await log.append(Array.from({ length: 100 }, (_, j) => record(batch * 100 + j)), T0 + batch);
    }
    expect(log.endOffset).toBe(30_000);
    let offset = 0;
    while (offset < log.endOffset) {
      const { records, nextOffset } = await log.read({ fromOffset: offset, recordsMax: 777, bytesMax: 1 << 20 });
      for (const [n, r] of records.entries()) {
        const i = offset + n;
        expect(r.offset).toBe(i);
        expect(r.partitionKey).toBe(`key-${i}-é`);
        expect(r.explicitHashKey).toBe(i % 10 === 0 ? String(i) : undefined);
        expect(r.arrivalMs).toBe(T0 + Math.floor(i / 100));
        expect(r.data).toEqual(Buffer.alloc(100, i % 251));
        expect(isInPlaceRecord(r)).toBe(true);
      }
      offset = nextOffset;
    }
    expect(await log.offsetAtTime(T0 + 150)).toBe(15_000);
    expect(await log.offsetAtTime(T0 + 1000)).toBe(30_000);
    await log.trimOlderThan(T0 + 200);
    expect(log.startOffset).toBe(20_000);
    const first = await log.read({ fromOffset: 0, recordsMax: 1, bytesMax: 1 });
    expect(first.records[0]!.offset).toBe(20_000);
    expect(await log.offsetAtTime(T0)).toBe(20_000);
    await log.trimOlderThan(T0 + 1000);
    expect(log.startOffset).toBe(30_000);
    expect(await log.read({ fromOffset: 0, recordsMax: 10, bytesMax: 1 << 20 })).toEqual({ records: [], nextOffset: 30_000 });
    await log.append([record(1)], T0);
    // Arrival times never go backwards in a shard.
    expect((await log.read({ fromOffset: 30_000, recordsMax: 1, bytesMax: 1 << 20 })).records[0]!.arrivalMs).toBe(T0 + 299);
  });

  it("gives a record larger than a block a block of its own, and hands out copies of the data", async () => {
    const log = new MemoryShardLog(KEY);
    const big = new Uint8Array(3 * 1024 * 1024).fill(9);
    await log.append([record(1), { partitionKey: "big", data: big }, record(2)], T0);
    const { records } = await log.read({ fromOffset: 0, recordsMax: 10, bytesMax: 16 << 20 });
    expect(records.map((r) => r.data.length)).toEqual([100, big.length, 100]);
    expect(records[1]!.data.every((b) => b === 9)).toBe(true);
    records[0]!.data.fill(0);
    const again = await log.read({ fromOffset: 0, recordsMax: 1, bytesMax: 1 << 20 });
    expect(again.records[0]!.data).toEqual(Buffer.alloc(100, 1));
  });
});

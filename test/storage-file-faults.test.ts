import { stat } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { StorageError } from "../src/storage/types.js";
import { FaultyFileSystem } from "./helpers/storage-faulty-fs.js";
import { forgetCleanShutdown, makeRecords, openFile, readAll, SHARD, segmentFiles, shardDir, T0_MS, tempDataDir } from "./helpers/storage-fixtures.js";

let dataDir: string;
let cleanup: () => Promise<void>;

beforeEach(async () => {
  ({ dir: dataDir, cleanup } = await tempDataDir());
});
afterEach(() => cleanup());

async function newestSegmentBytes(): Promise<number> {
  const [newest] = (await segmentFiles(dataDir, "log")).slice(-1);
  return (await stat(join(shardDir(dataDir), newest!))).size;
}

describe("file backend faults", () => {
  it.each([
    ["direct", true],
    ["through the page cache", false],
  ])("fails appends on a full disk with disk-full, leaves nothing partial, and recovers when space returns (%s)", async (_label, directIo) => {
    const fs = new FaultyFileSystem();
    const backend = await openFile(dataDir, { fs, tailCacheBytesMax: 1 << 20, directIo });
    const log = await backend.logs.open(SHARD);
    await log.append(makeRecords(50, 100, "ok"), T0_MS);
    const sizeBefore = await newestSegmentBytes();

    fs.full = true;
    const a = log.append(makeRecords(500, 100, "lost-a"), T0_MS + 1);
    const b = log.append(makeRecords(10, 100, "lost-b"), T0_MS + 2);
    expect(log.endOffset).toBe(560);
    const [ra, rb] = await Promise.allSettled([a, b]);
    for (const r of [ra, rb]) {
      expect(r.status).toBe("rejected");
      const reason = (r as PromiseRejectedResult).reason as StorageError;
      expect(reason).toBeInstanceOf(StorageError);
      expect(reason.code).toBe("disk-full");
    }
    expect(fs.writeFailures).toBeGreaterThan(0);
    expect(log.endOffset).toBe(50);
    if (directIo) {
      // Direct writes padded the last block with zeros; the failed run was cut back to the last frame.
      const after = await newestSegmentBytes();
      expect(after).toBeLessThanOrEqual(sizeBefore);
      expect(sizeBefore - after).toBeLessThan(4096);
    } else expect(await newestSegmentBytes()).toBe(sizeBefore);
    expect((await readAll(log)).map((r) => r.partitionKey)).toEqual(makeRecords(50, 100, "ok").map((r) => r.partitionKey));
    // Still full: still failing, still nothing visible.
    await expect(log.append(makeRecords(1, 100, "lost-c"), T0_MS + 3)).rejects.toMatchObject({ code: "disk-full" });

    fs.full = false;
    expect(await log.append(makeRecords(5, 100, "back"), T0_MS + 4)).toEqual({ firstOffset: 50, count: 5 });
    const after = await readAll(log);
    expect(after.map((r) => r.offset)).toEqual(Array.from({ length: 55 }, (_, i) => i));
    expect(after.slice(50).map((r) => r.partitionKey)).toEqual(["back-0", "back-1", "back-2", "back-3", "back-4"]);
    await backend.close();

    // After a crash-like reopen, the failed records are not there either.
    await forgetCleanShutdown(dataDir);
    const again = await openFile(dataDir);
    const reopened = await again.logs.open(SHARD);
    expect(reopened.endOffset).toBe(55);
    expect((await readAll(reopened)).map((r) => r.partitionKey).filter((k) => k.startsWith("lost"))).toEqual([]);
    await again.close();
  });

  it("fails appends whose fsync fails with an io error and keeps the log usable", async () => {
    const fs = new FaultyFileSystem();
    const backend = await openFile(dataDir, { fs });
    const log = await backend.logs.open(SHARD);
    await log.append(makeRecords(3, 10, "ok"), T0_MS);
    fs.fsyncError = "EIO";
    await expect(log.append(makeRecords(3, 10, "lost"), T0_MS)).rejects.toMatchObject({ code: "io" });
    expect(log.endOffset).toBe(3);
    fs.fsyncError = undefined;
    expect((await log.append(makeRecords(2, 10, "next"), T0_MS)).firstOffset).toBe(3);
    expect((await readAll(log)).map((r) => r.partitionKey)).toEqual(["ok-0", "ok-1", "ok-2", "next-0", "next-1"]);
    await backend.close();
  });

  it("fails appends when a new segment cannot be created, then rolls once space returns", async () => {
    const fs = new FaultyFileSystem();
    const backend = await openFile(dataDir, { fs, segmentBytesMax: 4096 });
    const log = await backend.logs.open(SHARD);
    await log.append(makeRecords(40, 100, "ok"), T0_MS);
    fs.openError = "ENOSPC";
    fs.full = true;
    await expect(log.append(makeRecords(5, 100, "lost"), T0_MS)).rejects.toMatchObject({ code: "disk-full" });
    fs.openError = undefined;
    fs.full = false;
    expect((await log.append(makeRecords(5, 100, "next"), T0_MS)).firstOffset).toBe(40);
    expect((await segmentFiles(dataDir, "log")).length).toBe(2);
    expect((await readAll(log)).length).toBe(45);
    await backend.close();
  });

  it("makes --fsync always writes durable with O_DSYNC (no fdatasync per commit); other modes write to the page cache", async () => {
    const fs = new FaultyFileSystem();
    const backend = await openFile(dataDir, { fs, segmentBytesMax: 4096 });
    const log = await backend.logs.open(SHARD);
    await log.append(makeRecords(1, 10, "a"), T0_MS);
    const syncsBefore = fs.fdatasyncCalls;
    for (let i = 0; i < 20; i++) await log.append(makeRecords(5, 100, `b${i}`), T0_MS);
    // Several rolls happened (4 KiB segments); each new segment is opened O_DSYNC too. The only
    // fdatasyncs are the rolls' own: sealing a segment cuts the zero padding of direct writes.
    expect(fs.dataSyncOpens).toBeGreaterThan(2);
    const rolls = (await segmentFiles(dataDir, "log")).length - 1;
    expect(rolls).toBeGreaterThan(1);
    expect(fs.fdatasyncCalls - syncsBefore).toBe(rolls);
    await backend.close();

    for (const fsync of [{ kind: "interval", intervalMs: 60_000 }, { kind: "never" }] as const) {
      const plain = new FaultyFileSystem();
      const other = await openFile(dataDir, { fs: plain, segmentBytesMax: 4096, fsync });
      const otherLog = await other.logs.open(SHARD);
      for (let i = 0; i < 10; i++) await otherLog.append(makeRecords(5, 100, `c${i}`), T0_MS);
      expect(plain.dataSyncOpens).toBe(0);
      await other.close();
    }
  });
});

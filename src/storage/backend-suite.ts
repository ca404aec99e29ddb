/**
 * One behavioural suite every storage backend passes (memory, file, later JetStream), so they stay
 * interchangeable. A backend test file calls `runBackendSuite` with a factory; gaps are declared as
 * skips with a reason rather than silently diverging.
 *
 * The factory should configure small segments (a few KiB) where the backend has them, so the retention
 * tests exercise whole-segment deletion.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { AppendRecord, ShardLog, ShardLogKey, StorageBackend, StoredRecord } from "./types.js";
import { MetadataConflictError, StorageError } from "./types.js";

export interface OpenedBackend {
  backend: StorageBackend;
  /** Closes nothing; opens the same stored data again (after the test closed `backend`). Omit for volatile backends. */
  reopen?: () => Promise<StorageBackend>;
  cleanup: () => Promise<void>;
}

export interface BackendSuiteOptions {
  name: string;
  open: () => Promise<OpenedBackend>;
}

const T0_MS = Date.UTC(2026, 0, 1);

function shardKey(shardId = "shardId-000000000000", streamName = "orders"): ShardLogKey {
  return { account: "123456789012", region: "us-east-1", streamName, shardId };
}

function records(count: number, dataBytes = 16, tag = "r"): AppendRecord[] {
  return Array.from({ length: count }, (_, i) => {
    const data = new Uint8Array(dataBytes);
    for (let j = 0; j < dataBytes; j++) data[j] = (i * 31 + j) & 0xff;
    return { partitionKey: `${tag}-${i}`, data };
  });
}

export function runBackendSuite(options: BackendSuiteOptions): void {
  describe(`storage backend: ${options.name}`, () => {
    let opened: OpenedBackend | undefined;
    let current: StorageBackend | undefined;

    async function open(): Promise<StorageBackend> {
      opened = await options.open();
      current = opened.backend;
      return current;
    }

    async function reopen(): Promise<StorageBackend | undefined> {
      if (!opened?.reopen || !current) return undefined;
      await current.close();
      current = await opened.reopen();
      return current;
    }

    afterEach(async () => {
      await current?.close().catch(() => undefined);
      await opened?.cleanup();
      opened = undefined;
      current = undefined;
    });

    describe("shard logs", () => {
      it("starts empty", async () => {
        const log = await (await open()).logs.open(shardKey());
        expect(log.endOffset).toBe(0);
        expect(log.startOffset).toBe(0);
        expect(log.lastArrivalMs).toBeUndefined();
        expect(await log.read({ fromOffset: 0, recordsMax: 10, bytesMax: 1024 })).toEqual({ records: [], nextOffset: 0 });
        expect(await log.offsetAtTime(T0_MS)).toBe(0);
      });

      it("returns appended records in order with every field intact", async () => {
        const log = await (await open()).logs.open(shardKey());
        const result = await log.append(
          [
            { partitionKey: "a", data: new Uint8Array([1, 2, 3]) },
            { partitionKey: "ключ-🔑", explicitHashKey: "340282366920938463463374607431768211455", data: new Uint8Array(0), flags: 1 },
            { partitionKey: "c", explicitHashKey: "0", data: new Uint8Array([255]) },
          ],
          T0_MS,
        );
        expect(result).toEqual({ firstOffset: 0, count: 3 });
        expect(log.endOffset).toBe(3);
        expect(log.lastArrivalMs).toBe(T0_MS);
        const read = await log.read({ fromOffset: 0, recordsMax: 10, bytesMax: 1 << 20 });
        expect(read.nextOffset).toBe(3);
        // Field by field: a backend's records may make some fields on first use (getters, not own properties).
        const fields = (r: StoredRecord) => ({ offset: r.offset, arrivalMs: r.arrivalMs, partitionKey: r.partitionKey, explicitHashKey: r.explicitHashKey, data: [...r.data], flags: r.flags });
        expect(read.records.map(fields)).toEqual([
          { offset: 0, arrivalMs: T0_MS, partitionKey: "a", explicitHashKey: undefined, data: [1, 2, 3], flags: 0 },
          { offset: 1, arrivalMs: T0_MS, partitionKey: "ключ-🔑", explicitHashKey: "340282366920938463463374607431768211455", data: [], flags: 1 },
          { offset: 2, arrivalMs: T0_MS, partitionKey: "c", explicitHashKey: "0", data: [255], flags: 0 },
        ]);
      });

      it("assigns offsets synchronously in call order across concurrent appends", async () => {
        const log = await (await open()).logs.open(shardKey());
        const pending: Promise<{ firstOffset: number; count: number }>[] = [];
        const expected: number[] = [];
        for (let i = 0; i < 50; i++) {
          expected.push(log.endOffset);
          pending.push(log.append(records(1 + (i % 7), 10, `b${i}`), T0_MS + i));
          expect(log.endOffset).toBe(expected[i]! + 1 + (i % 7));
        }
        const results = await Promise.all(pending);
        expect(results.map((r) => r.firstOffset)).toEqual(expected);
        const all = await log.read({ fromOffset: 0, recordsMax: 10_000, bytesMax: 1 << 24 });
        expect(all.records.map((r) => r.offset)).toEqual(Array.from({ length: log.endOffset }, (_, i) => i));
        expect(all.records.at(-1)?.partitionKey).toBe("b49-0");
      });

      it("keeps its own copy of appended data", async () => {
        const log = await (await open()).logs.open(shardKey());
        const data = new Uint8Array([7, 7, 7]);
        const done = log.append([{ partitionKey: "k", data }], T0_MS);
        data.fill(0);
        await done;
        const read = await log.read({ fromOffset: 0, recordsMax: 1, bytesMax: 100 });
        expect([...read.records[0]!.data]).toEqual([7, 7, 7]);
      });

      it("honours recordsMax and bytesMax, always returning at least one record", async () => {
        const log = await (await open()).logs.open(shardKey());
        await log.append(records(10, 100), T0_MS);
        const byCount = await log.read({ fromOffset: 2, recordsMax: 3, bytesMax: 1 << 20 });
        expect(byCount.records.map((r) => r.offset)).toEqual([2, 3, 4]);
        expect(byCount.nextOffset).toBe(5);
        const byBytes = await log.read({ fromOffset: 0, recordsMax: 100, bytesMax: 250 });
        expect(byBytes.records.map((r) => r.offset)).toEqual([0, 1]);
        expect(byBytes.nextOffset).toBe(2);
        const oversized = await log.read({ fromOffset: 5, recordsMax: 100, bytesMax: 10 });
        expect(oversized.records.map((r) => r.offset)).toEqual([5]);
        const past = await log.read({ fromOffset: 10, recordsMax: 100, bytesMax: 1000 });
        expect(past).toEqual({ records: [], nextOffset: 10 });
      });

      it("reads everything back across many appends and large records", async () => {
        const log = await (await open()).logs.open(shardKey());
        for (let i = 0; i < 40; i++) await log.append(records(25, 1 + ((i * 97) % 700), `m${i}`), T0_MS + i * 10);
        await log.append(records(2, 300_000, "big"), T0_MS + 1000);
        let offset = 0;
        let seen = 0;
        while (offset < log.endOffset) {
          const read = await log.read({ fromOffset: offset, recordsMax: 37, bytesMax: 64 * 1024 });
          expect(read.records.length).toBeGreaterThan(0);
          for (const r of read.records) expect(r.offset).toBe(seen++);
          offset = read.nextOffset;
        }
        expect(seen).toBe(1002);
      });

      it("finds the first offset at or after a time", async () => {
        const log = await (await open()).logs.open(shardKey());
        await log.append(records(5), T0_MS);
        await log.append(records(5), T0_MS + 5_000);
        await log.append(records(5), T0_MS + 10_000);
        expect(await log.offsetAtTime(T0_MS - 1)).toBe(0);
        expect(await log.offsetAtTime(T0_MS)).toBe(0);
        expect(await log.offsetAtTime(T0_MS + 1)).toBe(5);
        expect(await log.offsetAtTime(T0_MS + 5_000)).toBe(5);
        expect(await log.offsetAtTime(T0_MS + 9_999)).toBe(10);
        expect(await log.offsetAtTime(T0_MS + 10_001)).toBe(15);
        expect(log.lastArrivalMs).toBe(T0_MS + 10_000);
      });

      it("moves startOffset when retention trims old records and keeps newer ones", async () => {
        const log = await (await open()).logs.open(shardKey());
        for (let i = 0; i < 30; i++) await log.append(records(10, 200, `old${i}`), T0_MS + i);
        await log.append(records(5, 200, "new"), T0_MS + 60_000);
        await log.trimOlderThan(T0_MS + 30_000);
        expect(log.startOffset).toBeGreaterThan(0);
        expect(log.startOffset).toBeLessThanOrEqual(300);
        expect(log.endOffset).toBe(305);
        const read = await log.read({ fromOffset: 0, recordsMax: 1000, bytesMax: 1 << 20 });
        expect(read.records[0]?.offset).toBe(log.startOffset);
        expect(read.records.slice(-5).map((r) => r.partitionKey)).toEqual(["new-0", "new-1", "new-2", "new-3", "new-4"]);
        expect(await log.offsetAtTime(T0_MS)).toBe(log.startOffset);
        // Trimming everything keeps the log usable and its offsets continuous.
        await log.trimOlderThan(T0_MS + 120_000);
        expect(log.endOffset).toBe(305);
        await log.append(records(1), T0_MS + 130_000);
        const after = await log.read({ fromOffset: 0, recordsMax: 1000, bytesMax: 1 << 20 });
        expect(after.records.at(-1)?.offset).toBe(305);
      });

      it("opens one instance per shard and keeps shards independent", async () => {
        const backend = await open();
        const a = await backend.logs.open(shardKey("shardId-000000000000"));
        const again = await backend.logs.open(shardKey("shardId-000000000000"));
        const b = await backend.logs.open(shardKey("shardId-000000000001"));
        expect(again).toBe(a);
        await a.append(records(3), T0_MS);
        await b.append(records(1), T0_MS);
        expect(a.endOffset).toBe(3);
        expect(b.endOffset).toBe(1);
      });

      it("removes a stream's logs without touching other streams", async () => {
        const backend = await open();
        const doomed = await backend.logs.open(shardKey("shardId-000000000000", "doomed"));
        const kept = await backend.logs.open(shardKey("shardId-000000000000", "kept"));
        await doomed.append(records(4), T0_MS);
        await kept.append(records(2), T0_MS);
        await backend.logs.removeStream({ account: "123456789012", region: "us-east-1", streamName: "doomed" });
        await expect(doomed.append(records(1), T0_MS)).rejects.toBeInstanceOf(StorageError);
        const fresh = await backend.logs.open(shardKey("shardId-000000000000", "doomed"));
        expect(fresh.endOffset).toBe(0);
        expect((await fresh.read({ fromOffset: 0, recordsMax: 10, bytesMax: 1000 })).records).toEqual([]);
        expect(kept.endOffset).toBe(2);
        expect((await kept.read({ fromOffset: 0, recordsMax: 10, bytesMax: 1000 })).records).toHaveLength(2);
      });

      it("rejects appends after close with a StorageError", async () => {
        const backend = await open();
        const log = await backend.logs.open(shardKey());
        await log.close();
        const error = await log.append(records(1), T0_MS).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(StorageError);
        expect((error as StorageError).code).toBe("closed");
      });
    });

    describe("metadata", () => {
      it("stores, lists by prefix in key order and deletes", async () => {
        const { metadata } = await open();
        expect(await metadata.get("streams", "x")).toBeUndefined();
        const revisions = await metadata.commit([
          { collection: "streams", key: "b/2", value: { n: 2 } },
          { collection: "streams", key: "a/1", value: { n: 1 } },
          { collection: "streams", key: "b/1", value: { n: 3, nested: ["x"] } },
          { collection: "tags", key: "b/9", value: "other collection" },
        ]);
        expect(revisions).toHaveLength(4);
        for (const r of revisions) expect(r).toBeGreaterThan(0);
        expect(new Set(revisions).size).toBe(4);
        expect(await metadata.get("streams", "b/1")).toEqual({ key: "b/1", value: { n: 3, nested: ["x"] }, revision: revisions[2] });
        expect((await metadata.list("streams")).map((e) => e.key)).toEqual(["a/1", "b/1", "b/2"]);
        expect((await metadata.list("streams", "b/")).map((e) => e.value)).toEqual([{ n: 3, nested: ["x"] }, { n: 2 }]);
        expect(await metadata.list("nothing")).toEqual([]);
        expect(await metadata.commit([{ collection: "streams", key: "a/1", value: undefined }])).toEqual([0]);
        expect(await metadata.get("streams", "a/1")).toBeUndefined();
        expect((await metadata.list("streams")).map((e) => e.key)).toEqual(["b/1", "b/2"]);
      });

      it("never shares value objects with callers", async () => {
        const { metadata } = await open();
        const value = { list: [1] };
        await metadata.commit([{ collection: "streams", key: "k", value }]);
        value.list.push(2);
        const got = await metadata.get<{ list: number[] }>("streams", "k");
        expect(got?.value).toEqual({ list: [1] });
        got?.value.list.push(3);
        expect((await metadata.get("streams", "k"))?.value).toEqual({ list: [1] });
      });

      it("increases revisions and compare-and-sets on them", async () => {
        const { metadata } = await open();
        const [r1] = await metadata.commit([{ collection: "streams", key: "k", value: 1, expectedRevision: 0 }]);
        await expect(metadata.commit([{ collection: "streams", key: "k", value: 2, expectedRevision: 0 }])).rejects.toBeInstanceOf(
          MetadataConflictError,
        );
        const [r2] = await metadata.commit([{ collection: "streams", key: "k", value: 2, expectedRevision: r1 }]);
        expect(r2).toBeGreaterThan(r1!);
        await expect(metadata.commit([{ collection: "streams", key: "k", value: 3, expectedRevision: r1 }])).rejects.toBeInstanceOf(
          MetadataConflictError,
        );
        expect((await metadata.get("streams", "k"))?.value).toBe(2);
        // A deleted and re-created key never returns to a revision seen before.
        await metadata.commit([{ collection: "streams", key: "k", value: undefined, expectedRevision: r2 }]);
        const [r3] = await metadata.commit([{ collection: "streams", key: "k", value: 4, expectedRevision: 0 }]);
        expect(r3).toBeGreaterThan(r2!);
      });

      it("applies a commit atomically: one conflict leaves every key unchanged", async () => {
        const { metadata } = await open();
        const [rA] = await metadata.commit([{ collection: "streams", key: "a", value: "a1" }]);
        const error = await metadata
          .commit([
            { collection: "streams", key: "a", value: "a2", expectedRevision: rA },
            { collection: "streams", key: "new", value: "n" },
            { collection: "shards", key: "b", value: "b1", expectedRevision: 5 },
          ])
          .catch((e: unknown) => e);
        expect(error).toBeInstanceOf(MetadataConflictError);
        expect((error as MetadataConflictError).collection).toBe("shards");
        expect((error as MetadataConflictError).key).toBe("b");
        expect(await metadata.get("streams", "a")).toEqual({ key: "a", value: "a1", revision: rA });
        expect(await metadata.get("streams", "new")).toBeUndefined();
      });
    });

    describe("persistence", () => {
      it("keeps records, offsets and metadata across a reopen", async (ctx) => {
        const backend = await open();
        if (!opened?.reopen) {
          ctx.skip(`${options.name} is volatile: nothing survives a reopen`);
          return;
        }
        const log = await backend.logs.open(shardKey());
        for (let i = 0; i < 20; i++) await log.append(records(10, 300, `p${i}`), T0_MS + i * 1000);
        const [revision] = await backend.metadata.commit([{ collection: "streams", key: "orders", value: { status: "ACTIVE" } }]);
        const before = await readAll(log);

        const again = await reopen();
        if (!again) return;
        const reopened = await again.logs.open(shardKey());
        expect(reopened.endOffset).toBe(200);
        expect(reopened.lastArrivalMs).toBe(T0_MS + 19_000);
        expect(await readAll(reopened)).toEqual(before);
        expect(await reopened.offsetAtTime(T0_MS + 10_000)).toBe(100);
        expect(await again.metadata.get("streams", "orders")).toEqual({ key: "orders", value: { status: "ACTIVE" }, revision });
        const [next] = await again.metadata.commit([{ collection: "streams", key: "other", value: 1 }]);
        expect(next).toBeGreaterThan(revision!);
        expect((await reopened.append(records(1), T0_MS + 30_000)).firstOffset).toBe(200);
      });

      it("keeps a stream removed once it is removed", async (ctx) => {
        const backend = await open();
        if (!opened?.reopen) {
          ctx.skip(`${options.name} is volatile: nothing survives a reopen`);
          return;
        }
        const log = await backend.logs.open(shardKey("shardId-000000000000", "gone"));
        await log.append(records(3), T0_MS);
        await backend.logs.removeStream({ account: "123456789012", region: "us-east-1", streamName: "gone" });
        const again = await reopen();
        if (!again) return;
        expect((await again.logs.open(shardKey("shardId-000000000000", "gone"))).endOffset).toBe(0);
      });
    });
  });
}

async function readAll(log: ShardLog): Promise<{ offset: number; arrivalMs: number; partitionKey: string; data: number[] }[]> {
  const out: { offset: number; arrivalMs: number; partitionKey: string; data: number[] }[] = [];
  let offset = 0;
  while (offset < log.endOffset) {
    const read = await log.read({ fromOffset: offset, recordsMax: 1000, bytesMax: 1 << 20 });
    if (read.records.length === 0) break;
    for (const r of read.records) out.push({ offset: r.offset, arrivalMs: r.arrivalMs, partitionKey: r.partitionKey, data: [...r.data] });
    offset = read.nextOffset;
  }
  return out;
}

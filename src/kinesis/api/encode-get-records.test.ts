import { describe, expect, it } from "vitest";
import { encodeJson } from "../../server/protocol/json.js";
import { decodeFrame, encodeBatch } from "../../storage/file/frame.js";
import { isInPlaceRecord, type StoredRecord } from "../../storage/types.js";
import { RECORD_FLAG_KMS, toReadRecords, type StoredGetRecordsResult } from "../engine/records.js";
import type { GetRecordsOutput } from "./generated/types.js";
import { encodeGetRecordsJson } from "./encode-get-records.js";
import { toWireChildShard, toWireRecord } from "./wire-shapes.js";

/** What GetRecords answered before the direct writer: the output object through the generic encoder. */
function generic(read: StoredGetRecordsResult): Buffer {
  const output: GetRecordsOutput = { Records: toReadRecords(read).map(toWireRecord), MillisBehindLatest: read.millisBehindLatest };
  if (read.nextShardIterator !== undefined) output.NextShardIterator = read.nextShardIterator;
  if (read.childShards) output.ChildShards = read.childShards.map(toWireChildShard);
  return encodeJson(output);
}

function random(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 2 ** 32;
  };
}

const KEYS = ["k", "partition-key-1", 'quote"d', "back\\slash", "tab\there", "nl\n", "\u0000\u001f", "é unicode ✓", "emoji 😀", "del\u007f", "<html>&amp;", "x".repeat(256), "ünï" + "ç".repeat(100)];

/** The record as the file backend reads it back: a FrameRecord over an encoded frame (at an odd position). */
function inFrame(record: StoredRecord): StoredRecord {
  const pad = 7;
  const encoded = encodeBatch([record], record.offset, record.arrivalMs);
  const buf = Buffer.alloc(pad + encoded.length);
  encoded.copy(buf, pad);
  const back = decodeFrame(buf, pad);
  expect(isInPlaceRecord(back)).toBe(true);
  return back;
}

function read(records: StoredRecord[], extra: Partial<StoredGetRecordsResult> = {}): StoredGetRecordsResult {
  return {
    records,
    creationSeconds: 1_700_000_000,
    shardIndex: 3,
    nextOffset: records.length,
    millisBehindLatest: 0,
    childShards: undefined,
    nextShardIterator: "AAAAiterator+/==",
    ...extra,
  };
}

describe("GetRecords direct JSON writer", () => {
  it("writes exactly the generic encoder's bytes for many record shapes", () => {
    const next = random(7);
    for (let round = 0; round < 200; round++) {
      const count = Math.floor(next() * 30);
      const records: StoredRecord[] = [];
      let arrivalMs = 1_764_000_000_000 + Math.floor(next() * 1e9);
      let offset = Math.floor(next() * 2 ** (next() * 50));
      for (let i = 0; i < count; i++) {
        if (next() < 0.3) arrivalMs += Math.floor(next() * 3000);
        const sizes = [0, 1, 2, 3, 4, 5, 100, 511, 512, 513, 1024, 3000];
        const size = sizes[Math.floor(next() * sizes.length)]!;
        const data = Buffer.alloc(size);
        for (let b = 0; b < size; b++) data[b] = Math.floor(next() * 256);
        const record = { offset: offset++, arrivalMs, partitionKey: KEYS[Math.floor(next() * KEYS.length)]!, data, flags: next() < 0.2 ? RECORD_FLAG_KMS : 0 };
        // Half of them as the file backend hands them out: decoded from a frame, written from its bytes.
        records.push(next() < 0.5 ? inFrame(record) : record);
      }
      const shape = read(records, { millisBehindLatest: Math.floor(next() * 100_000), shardIndex: Math.floor(next() * 1000) });
      expect(encodeGetRecordsJson(shape).toString("utf8")).toBe(generic(shape).toString("utf8"));
      expect(JSON.parse(encodeGetRecordsJson(shape).toString("utf8"))).toEqual(JSON.parse(generic(shape).toString("utf8")));
    }
  });

  it("handles an empty read, the end of a closed shard and Uint8Array data", () => {
    const empty = read([], { millisBehindLatest: 12 });
    expect(encodeGetRecordsJson(empty).toString()).toBe(generic(empty).toString());
    const closed = read([{ offset: 0, arrivalMs: 1_000, partitionKey: "a", data: new Uint8Array([1, 2, 3, 4]), flags: 0 }], {
      nextShardIterator: undefined,
      childShards: [
        { shardId: "shardId-000000000004", parentShards: ["shardId-000000000001"], startingHashKey: "0", endingHashKey: "170141183460469231731687303715884105727" },
        { shardId: "shardId-000000000005", parentShards: ["shardId-000000000001", "shardId-000000000002"], startingHashKey: "1", endingHashKey: "2" },
      ],
    });
    expect(encodeGetRecordsJson(closed).toString()).toBe(generic(closed).toString());
    const endOnly = read([], { nextShardIterator: undefined, childShards: [] });
    expect(encodeGetRecordsJson(endOnly).toString()).toBe(generic(endOnly).toString());
  });

  it("formats odd arrival times as the generic encoder does", () => {
    const times = [0, 1, 999, 1_000, 1_764_000_000_001, 1_764_000_000_010, 1_764_000_000_100, 1_764_000_000_999];
    const shape = read(times.map((arrivalMs, i) => ({ offset: i, arrivalMs, partitionKey: "p", data: Buffer.from("x"), flags: 0 })));
    expect(encodeGetRecordsJson(shape).toString()).toBe(generic(shape).toString());
  });
});

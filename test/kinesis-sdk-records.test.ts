/**
 * Data plane and resharding through @aws-sdk/client-kinesis v3 (HTTP/2 default handler and HTTP/1.1):
 * PutRecord/PutRecords routing, sequence numbers and bounds; GetShardIterator of every type;
 * GetRecords paging, MillisBehindLatest and shard ends; SplitShard, MergeShards, UpdateShardCount and
 * ListShards filters over the resulting lineage.
 */
import {
  CreateStreamCommand,
  DescribeStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  ListShardsCommand,
  MergeShardsCommand,
  PutRecordCommand,
  PutRecordsCommand,
  SplitShardCommand,
  UpdateMaxRecordSizeCommand,
  UpdateShardCountCommand,
  type GetRecordsCommandOutput,
  type KinesisClient,
  type Shard,
  type ShardIteratorType,
} from "@aws-sdk/client-kinesis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { VirtualClock } from "../src/core/clock.js";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { errorOf, HANDLER_KINDS, kinesisClient, startTestTributary, streamArn, uniqueName, useTributary, waitForActive } from "./helpers/tributary.js";

const tributary = useTributary();
const HASH_KEY_MAX = (1n << 128n) - 1n;
const ACCOUNT = "000000000000";
const bytes = (text: string) => new TextEncoder().encode(text);
const text = (data: Uint8Array | undefined) => new TextDecoder().decode(data);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function createStream(client: KinesisClient, prefix: string, shards: number): Promise<string> {
  const name = uniqueName(prefix);
  await client.send(new CreateStreamCommand({ StreamName: name, ShardCount: shards }));
  await waitForActive(client, name);
  return name;
}

async function iterator(client: KinesisClient, StreamName: string, ShardId: string, ShardIteratorType: ShardIteratorType, extra: { StartingSequenceNumber?: string; Timestamp?: Date } = {}): Promise<string> {
  const out = await client.send(new GetShardIteratorCommand({ StreamName, ShardId, ShardIteratorType, ...extra }));
  expect(out.ShardIterator).toBeTruthy();
  return out.ShardIterator!;
}

/** Reads a shard from an iterator until the tip (or the shard's end); returns the data as text. */
async function readAll(client: KinesisClient, shardIterator: string): Promise<{ data: string[]; last: GetRecordsCommandOutput }> {
  const data: string[] = [];
  let next: string | undefined = shardIterator;
  for (let i = 0; i < 100; i++) {
    const out: GetRecordsCommandOutput = await client.send(new GetRecordsCommand({ ShardIterator: next }));
    data.push(...(out.Records ?? []).map((r) => text(r.Data)));
    if ((out.Records ?? []).length === 0 || !out.NextShardIterator) return { data, last: out };
    next = out.NextShardIterator;
  }
  throw new Error("shard did not end");
}

describe.each(HANDLER_KINDS)("records over %s", (handler) => {
  let client: KinesisClient;
  beforeAll(() => {
    client = kinesisClient(tributary.endpoint, { handler });
  });
  afterAll(() => client.destroy());

  it("routes by MD5 of the partition key (user-123 -> shard 2 of 4) and by ExplicitHashKey up to 2^128-1", async () => {
    const name = await createStream(client, `route-${handler}`, 4);
    const put = await client.send(new PutRecordCommand({ StreamName: name, PartitionKey: "user-123", Data: bytes("hello") }));
    expect(put.ShardId).toBe("shardId-000000000002");
    expect(put.SequenceNumber).toMatch(/^\d{56}$/);
    expect(put.EncryptionType).toBe("NONE");

    const top = await client.send(new PutRecordCommand({ StreamName: name, PartitionKey: "x", ExplicitHashKey: HASH_KEY_MAX.toString(), Data: bytes("top") }));
    expect(top.ShardId).toBe("shardId-000000000003");
    // Shard boundaries of an even 4-way split: shard 2 starts at 2^127.
    const boundary = await client.send(new PutRecordCommand({ StreamName: name, PartitionKey: "x", ExplicitHashKey: (1n << 127n).toString(), Data: bytes("b") }));
    expect(boundary.ShardId).toBe("shardId-000000000002");
    const below = await client.send(new PutRecordCommand({ StreamName: name, PartitionKey: "x", ExplicitHashKey: ((1n << 127n) - 1n).toString(), Data: bytes("b") }));
    expect(below.ShardId).toBe("shardId-000000000001");
    const zero = await client.send(new PutRecordCommand({ StreamName: name, PartitionKey: "x", ExplicitHashKey: "0", Data: bytes("zero") }));
    expect(zero.ShardId).toBe("shardId-000000000000");
    const over = await errorOf(client.send(new PutRecordCommand({ StreamName: name, PartitionKey: "x", ExplicitHashKey: (1n << 128n).toString(), Data: bytes("no") })));
    expect(over).toMatchObject({
      name: "InvalidArgumentException",
      message: `Invalid ExplicitHashKey. ExplicitHashKey must be in the range: [0, 2^128-1]. Specified value was ${1n << 128n}`,
      status: 400,
    });

    const rows = await client.send(
      new PutRecordsCommand({
        StreamName: name,
        Records: [
          { PartitionKey: "user-123", Data: bytes("a") },
          { PartitionKey: "x", ExplicitHashKey: HASH_KEY_MAX.toString(), Data: bytes("b") },
          { PartitionKey: "x", ExplicitHashKey: "0", Data: bytes("c") },
        ],
      }),
    );
    expect(rows.FailedRecordCount).toBe(0);
    expect(rows.Records?.map((r) => r.ShardId)).toEqual(["shardId-000000000002", "shardId-000000000003", "shardId-000000000000"]);
    expect(rows.Records?.every((r) => r.ErrorCode === undefined && /^\d{56}$/.test(r.SequenceNumber ?? ""))).toBe(true);
    const overInBatch = await errorOf(
      client.send(new PutRecordsCommand({ StreamName: name, Records: [{ PartitionKey: "x", ExplicitHashKey: (1n << 128n).toString(), Data: bytes("no") }] })),
    );
    expect(overInBatch.name).toBe("InvalidArgumentException");
  });

  it("gives strictly increasing sequence numbers per shard, and honours SequenceNumberForOrdering", async () => {
    const name = await createStream(client, `seq-${handler}`, 3);
    const perShard = new Map<string, bigint[]>();
    const note = (shardId: string | undefined, seq: string | undefined) => {
      const list = perShard.get(shardId!) ?? [];
      list.push(BigInt(seq!));
      perShard.set(shardId!, list);
    };
    let previous: string | undefined;
    for (let i = 0; i < 30; i++) {
      const out = await client.send(new PutRecordCommand({ StreamName: name, PartitionKey: `k${i % 7}`, Data: bytes(`r${i}`), SequenceNumberForOrdering: previous }));
      note(out.ShardId, out.SequenceNumber);
      if (out.ShardId === "shardId-000000000000") previous = out.SequenceNumber;
    }
    const batch = await client.send(new PutRecordsCommand({ StreamName: name, Records: Array.from({ length: 60 }, (_, i) => ({ PartitionKey: `b${i}`, Data: bytes(`b${i}`) })) }));
    for (const r of batch.Records ?? []) note(r.ShardId, r.SequenceNumber);
    expect(perShard.size).toBe(3);
    for (const [, list] of perShard) {
      for (let i = 1; i < list.length; i++) expect(list[i]! > list[i - 1]!).toBe(true);
    }
    const badOrdering = await errorOf(client.send(new PutRecordCommand({ StreamName: name, PartitionKey: "k", Data: bytes("x"), SequenceNumberForOrdering: "12345" })));
    expect(badOrdering.name).toBe("InvalidArgumentException");
  });

  it("loses nothing and keeps per-shard order under 100 concurrent PutRecord calls", async () => {
    const name = await createStream(client, `conc-${handler}`, 1);
    const outs = await Promise.all(Array.from({ length: 100 }, (_, i) => client.send(new PutRecordCommand({ StreamName: name, PartitionKey: `k${i}`, Data: bytes(`c${i}`) }))));
    const sequence = new Map(outs.map((o, i) => [o.SequenceNumber!, `c${i}`]));
    expect(sequence.size).toBe(100);
    const read = await client.send(new GetRecordsCommand({ ShardIterator: await iterator(client, name, "shardId-000000000000", "TRIM_HORIZON") }));
    const records = read.Records ?? [];
    expect(records).toHaveLength(100);
    // Read order is sequence-number order, and each number reads back the data it was returned for.
    for (let i = 1; i < records.length; i++) expect(BigInt(records[i]!.SequenceNumber!) > BigInt(records[i - 1]!.SequenceNumber!)).toBe(true);
    for (const r of records) expect(text(r.Data)).toBe(sequence.get(r.SequenceNumber!));
  });

  it("accepts 500 PutRecords entries and rejects 501", async () => {
    const name = await createStream(client, `batch-${handler}`, 2);
    const entries = (n: number) => Array.from({ length: n }, (_, i) => ({ PartitionKey: `p${i}`, Data: bytes(`d${i}`) }));
    const ok = await client.send(new PutRecordsCommand({ StreamName: name, Records: entries(500) }));
    expect(ok.FailedRecordCount).toBe(0);
    expect(ok.Records).toHaveLength(500);
    const tooMany = await errorOf(client.send(new PutRecordsCommand({ StreamName: name, Records: entries(501) })));
    // AWS prints the list as Java's toString of each entry, as the validator reproduces.
    expect(tooMany.name).toBe("ValidationException");
    expect(tooMany.message.startsWith("1 validation error detected: Value '[com.amazonaws.kinesis.v20131202.PutRecordsRequestEntry@")).toBe(true);
    expect(tooMany.message.endsWith("]' at 'records' failed to satisfy constraint: Member must have length less than or equal to 500")).toBe(true);
    const none = await errorOf(client.send(new PutRecordsCommand({ StreamName: name, Records: [] })));
    expect(none.name).toBe("ValidationException");
    const unknown = await errorOf(client.send(new PutRecordsCommand({ StreamName: "no-such-stream", Records: entries(1) })));
    expect(unknown).toMatchObject({ name: "ResourceNotFoundException", message: `Stream no-such-stream under account ${ACCOUNT} not found.` });
  });

  it("bounds a record at 1 MiB (data plus key), and at 10 MiB after UpdateMaxRecordSize", async () => {
    const name = await createStream(client, `size-${handler}`, 1);
    const MiB = 1024 * 1024;
    const key = "k";
    const ok = await client.send(new PutRecordCommand({ StreamName: name, PartitionKey: key, Data: new Uint8Array(MiB - key.length) }));
    expect(ok.SequenceNumber).toBeTruthy();
    const over = await errorOf(client.send(new PutRecordCommand({ StreamName: name, PartitionKey: key, Data: new Uint8Array(MiB - key.length + 1) })));
    expect(over.name).toBe("InvalidArgumentException");
    const overInBatch = await errorOf(client.send(new PutRecordsCommand({ StreamName: name, Records: [{ PartitionKey: key, Data: new Uint8Array(MiB) }] })));
    expect(overInBatch.name).toBe("InvalidArgumentException");

    await client.send(new UpdateMaxRecordSizeCommand({ StreamARN: streamArn(name), MaxRecordSizeInKiB: 10240 }));
    await waitForActive(client, name);
    const big = await client.send(new PutRecordCommand({ StreamName: name, PartitionKey: key, Data: new Uint8Array(10 * MiB - key.length).fill(7) }));
    expect(big.SequenceNumber).toBeTruthy();
    const tooBig = await errorOf(client.send(new PutRecordCommand({ StreamName: name, PartitionKey: key, Data: new Uint8Array(10 * MiB - key.length + 1) })));
    expect(tooBig.name).toBe("InvalidArgumentException");
    const bad = await errorOf(client.send(new UpdateMaxRecordSizeCommand({ StreamARN: streamArn(name), MaxRecordSizeInKiB: 10241 })));
    expect(bad.name).toBe("ValidationException");

    const it1 = await iterator(client, name, "shardId-000000000000", "AT_SEQUENCE_NUMBER", { StartingSequenceNumber: big.SequenceNumber! });
    const read = await client.send(new GetRecordsCommand({ ShardIterator: it1, Limit: 1 }));
    expect(read.Records?.[0]?.Data?.length).toBe(10 * MiB - key.length);
    expect(read.Records?.[0]?.Data?.[12345]).toBe(7);
  });

  it("reads with every iterator type, including an in-range sequence number that is no record's", async () => {
    const name = await createStream(client, `iter-${handler}`, 2);
    const shard = "shardId-000000000000";
    const seqs: string[] = [];
    for (let i = 0; i < 5; i++) {
      const out = await client.send(new PutRecordCommand({ StreamName: name, PartitionKey: "k", ExplicitHashKey: "1", Data: bytes(`first-${i}`) }));
      seqs.push(out.SequenceNumber!);
    }
    await sleep(25);
    const between = new Date();
    await sleep(25);
    for (let i = 0; i < 3; i++) {
      const out = await client.send(new PutRecordCommand({ StreamName: name, PartitionKey: "k", ExplicitHashKey: "1", Data: bytes(`second-${i}`) }));
      seqs.push(out.SequenceNumber!);
    }
    const all = ["first-0", "first-1", "first-2", "first-3", "first-4", "second-0", "second-1", "second-2"];

    expect((await readAll(client, await iterator(client, name, shard, "TRIM_HORIZON"))).data).toEqual(all);
    expect((await readAll(client, await iterator(client, name, shard, "AT_SEQUENCE_NUMBER", { StartingSequenceNumber: seqs[2]! }))).data).toEqual(all.slice(2));
    expect((await readAll(client, await iterator(client, name, shard, "AFTER_SEQUENCE_NUMBER", { StartingSequenceNumber: seqs[2]! }))).data).toEqual(all.slice(3));
    expect((await readAll(client, await iterator(client, name, shard, "AT_TIMESTAMP", { Timestamp: between }))).data).toEqual(all.slice(5));
    expect((await readAll(client, await iterator(client, name, shard, "AT_TIMESTAMP", { Timestamp: new Date(0) }))).data).toEqual(all);

    const latest = await iterator(client, name, shard, "LATEST");
    const empty = await client.send(new GetRecordsCommand({ ShardIterator: latest }));
    expect(empty.Records).toEqual([]);
    expect(empty.MillisBehindLatest).toBe(0);
    expect(empty.NextShardIterator).toBeTruthy();
    await client.send(new PutRecordCommand({ StreamName: name, PartitionKey: "k", ExplicitHashKey: "1", Data: bytes("after-latest") }));
    expect((await readAll(client, empty.NextShardIterator!)).data).toEqual(["after-latest"]);

    // The shard's StartingSequenceNumber is in range but no record's: AT it reads from the first record.
    const { Shards } = await client.send(new ListShardsCommand({ StreamName: name }));
    const start = Shards?.[0]?.SequenceNumberRange?.StartingSequenceNumber;
    expect((await readAll(client, await iterator(client, name, shard, "AT_SEQUENCE_NUMBER", { StartingSequenceNumber: start! }))).data[0]).toBe("first-0");
    // One second earlier in the arrival field than record 3: between records 2 and 3, no record's number.
    const notARecord = (BigInt(seqs[3]!) - (1n << 36n)).toString();
    expect(seqs).not.toContain(notARecord);
    expect((await readAll(client, await iterator(client, name, shard, "AT_SEQUENCE_NUMBER", { StartingSequenceNumber: notARecord }))).data[0]).toBe("first-3");

    const otherShard = await client.send(new PutRecordCommand({ StreamName: name, PartitionKey: "k", ExplicitHashKey: HASH_KEY_MAX.toString(), Data: bytes("o") }));
    const wrongShard = await errorOf(iterator(client, name, shard, "AT_SEQUENCE_NUMBER", { StartingSequenceNumber: otherShard.SequenceNumber! }));
    expect(wrongShard).toMatchObject({
      name: "InvalidArgumentException",
      message: "Invalid StartingSequenceNumber. It encodes shardId-000000000001, while it was used in a call to a shard with shardId-000000000000",
    });

    const both = await errorOf(iterator(client, name, shard, "LATEST", { StartingSequenceNumber: seqs[0]! }));
    expect(both.message).toBe(
      "Must either specify (1) AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER and StartingSequenceNumber or (2) TRIM_HORIZON or LATEST and no StartingSequenceNumber. Request specified LATEST and also a StartingSequenceNumber.",
    );
    expect((await errorOf(iterator(client, name, shard, "AT_SEQUENCE_NUMBER"))).name).toBe("InvalidArgumentException");
    expect((await errorOf(iterator(client, name, shard, "AT_TIMESTAMP"))).name).toBe("InvalidArgumentException");
    const unknownShard = await errorOf(iterator(client, name, "shardId-000000000099", "LATEST"));
    expect(unknownShard).toMatchObject({ name: "ResourceNotFoundException", message: `Shard shardId-000000000099 in stream ${name} under account ${ACCOUNT} does not exist` });
    const byArn = await client.send(new GetShardIteratorCommand({ StreamARN: streamArn(name), ShardId: shard, ShardIteratorType: "TRIM_HORIZON" }));
    expect(byArn.ShardIterator).toBeTruthy();
  });

  it("rejects a sequence number from another stream with AWS's message", async () => {
    const older = await createStream(client, `older-${handler}`, 1);
    const put = await client.send(new PutRecordCommand({ StreamName: older, PartitionKey: "k", Data: bytes("x") }));
    // Sequence numbers encode the shard's creation second: the other stream must be created in a later second.
    await sleep(1001 - (Date.now() % 1000));
    const newer = await createStream(client, `newer-${handler}`, 1);
    const error = await errorOf(iterator(client, newer, "shardId-000000000000", "AT_SEQUENCE_NUMBER", { StartingSequenceNumber: put.SequenceNumber! }));
    expect(error).toMatchObject({
      name: "InvalidArgumentException",
      message: `StartingSequenceNumber ${put.SequenceNumber} used in GetShardIterator on shard shardId-000000000000 in stream ${newer} under account ${ACCOUNT} is invalid because it did not come from this stream.`,
    });
  });

  it("bounds GetRecords Limit, pages with it and reports MillisBehindLatest", async () => {
    const name = await createStream(client, `get-${handler}`, 1);
    await client.send(new PutRecordsCommand({ StreamName: name, Records: Array.from({ length: 5 }, (_, i) => ({ PartitionKey: "k", Data: bytes(`r${i}`) })) }));
    await sleep(30);
    await client.send(new PutRecordCommand({ StreamName: name, PartitionKey: "k", Data: bytes("r5") }));
    const start = await iterator(client, name, "shardId-000000000000", "TRIM_HORIZON");
    const first = await client.send(new GetRecordsCommand({ ShardIterator: start, Limit: 2 }));
    expect(first.Records?.map((r) => text(r.Data))).toEqual(["r0", "r1"]);
    expect(first.MillisBehindLatest).toBeGreaterThanOrEqual(25);
    const rec = first.Records?.[0];
    expect(rec?.PartitionKey).toBe("k");
    expect(rec?.ApproximateArrivalTimestamp).toBeInstanceOf(Date);
    expect(Math.abs(rec!.ApproximateArrivalTimestamp!.getTime() - Date.now())).toBeLessThan(60_000);
    expect(rec?.EncryptionType).toBe("NONE");
    const rest = await client.send(new GetRecordsCommand({ ShardIterator: first.NextShardIterator, Limit: 10000 }));
    expect(rest.Records?.map((r) => text(r.Data))).toEqual(["r2", "r3", "r4", "r5"]);
    expect(rest.MillisBehindLatest).toBe(0);
    expect(rest.NextShardIterator).toBeTruthy();
    expect(rest.ChildShards).toBeUndefined();
    const past = await errorOf(client.send(new GetRecordsCommand({ ShardIterator: start, Limit: 10001 })));
    expect(past).toMatchObject({
      name: "ValidationException",
      message: "1 validation error detected: Value '10001' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 10000",
    });
    const tampered = await errorOf(client.send(new GetRecordsCommand({ ShardIterator: `${start.slice(0, -4)}AAAA` })));
    expect(tampered).toMatchObject({ name: "InvalidArgumentException", message: "Invalid ShardIterator." });
    // Re-reading from the same iterator is allowed (iterators are positions, not cursors).
    expect((await client.send(new GetRecordsCommand({ ShardIterator: start, Limit: 1 }))).Records?.map((r) => text(r.Data))).toEqual(["r0"]);
  });

  it("returns at most 10 MiB from one GetRecords call", async () => {
    const name = await createStream(client, `mib-${handler}`, 1);
    const MiB = 1024 * 1024;
    // Twelve records of exactly 1 MiB each (data plus the one-byte key), in batches under the request cap.
    for (let batch = 0; batch < 3; batch++) {
      const records = Array.from({ length: 4 }, (_, i) => ({ PartitionKey: "k", Data: new Uint8Array(MiB - 1).fill(batch * 4 + i) }));
      expect((await client.send(new PutRecordsCommand({ StreamName: name, Records: records }))).FailedRecordCount).toBe(0);
    }
    const first = await client.send(new GetRecordsCommand({ ShardIterator: await iterator(client, name, "shardId-000000000000", "TRIM_HORIZON") }));
    const count = first.Records?.length ?? 0;
    const bytes = (first.Records ?? []).reduce((sum, r) => sum + (r.Data?.length ?? 0) + (r.PartitionKey?.length ?? 0), 0);
    expect(bytes).toBeLessThanOrEqual(10 * MiB);
    expect(count).toBeGreaterThanOrEqual(1);
    expect(count).toBeLessThan(12);
    expect(first.MillisBehindLatest).toBeGreaterThanOrEqual(0);
    const rest = await client.send(new GetRecordsCommand({ ShardIterator: first.NextShardIterator }));
    expect(count + (rest.Records?.length ?? 0)).toBe(12);
    expect(rest.Records?.[0]?.Data?.[0]).toBe(count);
  });

  it("splits a shard: lineage, ending sequence number, ChildShards and a null NextShardIterator at the parent's end", async () => {
    const name = await createStream(client, `split-${handler}`, 2);
    const parent = "shardId-000000000000";
    for (let i = 0; i < 3; i++) await client.send(new PutRecordCommand({ StreamName: name, PartitionKey: "k", ExplicitHashKey: "5", Data: bytes(`before-${i}`) }));
    const openIterator = await iterator(client, name, parent, "TRIM_HORIZON");
    const mid = (1n << 126n).toString();
    await client.send(new SplitShardCommand({ StreamName: name, ShardToSplit: parent, NewStartingHashKey: mid }));
    await waitForActive(client, name);

    const { Shards = [] } = await client.send(new ListShardsCommand({ StreamName: name }));
    expect(Shards.map((s) => s.ShardId)).toEqual(["shardId-000000000000", "shardId-000000000001", "shardId-000000000002", "shardId-000000000003"]);
    const byId = new Map(Shards.map((s): [string, Shard] => [s.ShardId!, s]));
    expect(byId.get(parent)?.SequenceNumberRange?.EndingSequenceNumber).toMatch(/^\d+$/);
    expect(byId.get("shardId-000000000001")?.SequenceNumberRange?.EndingSequenceNumber).toBeUndefined();
    expect(byId.get("shardId-000000000002")).toMatchObject({ ParentShardId: parent, HashKeyRange: { StartingHashKey: "0", EndingHashKey: (BigInt(mid) - 1n).toString() } });
    expect(byId.get("shardId-000000000003")).toMatchObject({ ParentShardId: parent, HashKeyRange: { StartingHashKey: mid, EndingHashKey: ((1n << 127n) - 1n).toString() } });

    // Writes to the parent's range go to the children now.
    const after = await client.send(new PutRecordCommand({ StreamName: name, PartitionKey: "k", ExplicitHashKey: "5", Data: bytes("after") }));
    expect(after.ShardId).toBe("shardId-000000000002");

    // The parent's EndingSequenceNumber is at or after its last record; after it there is only the end.
    const ending = byId.get(parent)!.SequenceNumberRange!.EndingSequenceNumber!;
    const lastBefore = (await readAll(client, await iterator(client, name, parent, "TRIM_HORIZON"))).data.length;
    expect(lastBefore).toBe(3);
    const afterEnd = await client.send(new GetRecordsCommand({ ShardIterator: await iterator(client, name, parent, "AFTER_SEQUENCE_NUMBER", { StartingSequenceNumber: ending }) }));
    expect(afterEnd.Records).toEqual([]);
    expect(afterEnd.NextShardIterator).toBeUndefined();
    expect(afterEnd.ChildShards).toHaveLength(2);
    const atEnd = await readAll(client, await iterator(client, name, parent, "AT_SEQUENCE_NUMBER", { StartingSequenceNumber: ending }));
    expect(atEnd.data).toEqual(["before-2"]);

    const drained = await readAll(client, openIterator);
    expect(drained.data).toEqual(["before-0", "before-1", "before-2"]);
    let end = drained.last;
    if (end.NextShardIterator) end = await client.send(new GetRecordsCommand({ ShardIterator: end.NextShardIterator }));
    expect(end.NextShardIterator).toBeUndefined();
    expect(end.ChildShards?.map((c) => c.ShardId).sort()).toEqual(["shardId-000000000002", "shardId-000000000003"]);
    expect(end.ChildShards?.[0]?.ParentShards).toEqual([parent]);
    expect(end.ChildShards?.find((c) => c.ShardId === "shardId-000000000003")?.HashKeyRange).toEqual({ StartingHashKey: mid, EndingHashKey: ((1n << 127n) - 1n).toString() });
    // A closed shard still gives iterators; LATEST on it reads straight to its end.
    const latestOnClosed = await client.send(new GetRecordsCommand({ ShardIterator: await iterator(client, name, parent, "LATEST") }));
    expect(latestOnClosed.Records).toEqual([]);
    expect(latestOnClosed.NextShardIterator).toBeUndefined();
    expect(latestOnClosed.ChildShards).toHaveLength(2);

    const again = await errorOf(client.send(new SplitShardCommand({ StreamName: name, ShardToSplit: parent, NewStartingHashKey: mid })));
    expect(again).toMatchObject({
      name: "InvalidArgumentException",
      message: `Shard ${parent} in stream ${name} under account ${ACCOUNT} has already been merged or split, and thus is not eligible for merging or splitting.`,
    });
    const badKey = await errorOf(client.send(new SplitShardCommand({ StreamName: name, ShardToSplit: "shardId-000000000002", NewStartingHashKey: "1" })));
    expect(badKey).toMatchObject({
      name: "InvalidArgumentException",
      message: `NewStartingHashKey 1 used in SplitShard() on shard shardId-000000000002 in stream ${name} under account ${ACCOUNT} is not both greater than one plus the shard's StartingHashKey 0 and less than the shard's EndingHashKey ${BigInt(mid) - 1n}.`,
    });
    const unknown = await errorOf(client.send(new SplitShardCommand({ StreamName: name, ShardToSplit: "shardId-000000000042", NewStartingHashKey: mid })));
    expect(unknown.name).toBe("ResourceNotFoundException");
  });

  it("merges adjacent shards, refuses non-adjacent ones, and scales uniformly with UpdateShardCount", async () => {
    const name = await createStream(client, `merge-${handler}`, 3);
    const nonAdjacent = await errorOf(client.send(new MergeShardsCommand({ StreamName: name, ShardToMerge: "shardId-000000000000", AdjacentShardToMerge: "shardId-000000000002" })));
    expect(nonAdjacent).toMatchObject({
      name: "InvalidArgumentException",
      message: `Shards shardId-000000000000 and shardId-000000000002 in stream ${name} under account ${ACCOUNT} are not an adjacent pair of shards eligible for merging`,
    });
    await client.send(new MergeShardsCommand({ StreamName: name, ShardToMerge: "shardId-000000000000", AdjacentShardToMerge: "shardId-000000000001" }));
    await waitForActive(client, name);
    const { StreamDescription } = await client.send(new DescribeStreamCommand({ StreamName: name }));
    const child = StreamDescription?.Shards?.find((s) => s.ShardId === "shardId-000000000003");
    expect(child).toMatchObject({
      ParentShardId: "shardId-000000000000",
      AdjacentParentShardId: "shardId-000000000001",
      HashKeyRange: { StartingHashKey: "0", EndingHashKey: "226854911280625642308916404954512140969" },
    });
    for (const parent of ["shardId-000000000000", "shardId-000000000001"]) {
      const end = await client.send(new GetRecordsCommand({ ShardIterator: await iterator(client, name, parent, "TRIM_HORIZON") }));
      expect(end.NextShardIterator).toBeUndefined();
      expect(end.ChildShards).toEqual([
        { ShardId: "shardId-000000000003", ParentShards: ["shardId-000000000000", "shardId-000000000001"], HashKeyRange: { StartingHashKey: "0", EndingHashKey: "226854911280625642308916404954512140969" } },
      ]);
    }
    const closed = await errorOf(client.send(new MergeShardsCommand({ StreamName: name, ShardToMerge: "shardId-000000000001", AdjacentShardToMerge: "shardId-000000000002" })));
    expect(closed.message).toContain("has already been merged or split");

    const scaled = await createStream(client, `scale-${handler}`, 2);
    const out = await client.send(new UpdateShardCountCommand({ StreamName: scaled, TargetShardCount: 4, ScalingType: "UNIFORM_SCALING" }));
    expect(out).toMatchObject({ StreamName: scaled, StreamARN: streamArn(scaled), CurrentShardCount: 2, TargetShardCount: 4 });
    await waitForActive(client, scaled);
    const shards = (await client.send(new ListShardsCommand({ StreamName: scaled }))).Shards ?? [];
    const open = shards.filter((s) => s.SequenceNumberRange?.EndingSequenceNumber === undefined);
    expect(open).toHaveLength(4);
    expect(shards).toHaveLength(6); // as AWS reports for 2 -> 4 (reference §9)
    // The open shards tile the hash-key space.
    const ranges = open.map((s) => [BigInt(s.HashKeyRange!.StartingHashKey!), BigInt(s.HashKeyRange!.EndingHashKey!)] as const).sort((a, b) => (a[0] < b[0] ? -1 : 1));
    expect(ranges[0]![0]).toBe(0n);
    expect(ranges[ranges.length - 1]![1]).toBe(HASH_KEY_MAX);
    for (let i = 1; i < ranges.length; i++) expect(ranges[i]![0]).toBe(ranges[i - 1]![1] + 1n);
  });

  it("filters ListShards by every ShardFilter type over a resharded stream", async () => {
    const name = await createStream(client, `filter-${handler}`, 2);
    const beforeSplit = new Date();
    await sleep(20);
    await client.send(new SplitShardCommand({ StreamName: name, ShardToSplit: "shardId-000000000000", NewStartingHashKey: (1n << 126n).toString() }));
    await waitForActive(client, name);
    await sleep(20);
    const list = async (ShardFilter: NonNullable<ConstructorParameters<typeof ListShardsCommand>[0]>["ShardFilter"]) =>
      ((await client.send(new ListShardsCommand({ StreamName: name, ShardFilter }))).Shards ?? []).map((s) => s.ShardId!.slice(-1));
    expect(await list({ Type: "AT_LATEST" })).toEqual(["1", "2", "3"]);
    expect(await list({ Type: "AT_TRIM_HORIZON" })).toEqual(["0", "1"]);
    expect(await list({ Type: "FROM_TRIM_HORIZON" })).toEqual(["0", "1", "2", "3"]);
    expect(await list({ Type: "AFTER_SHARD_ID", ShardId: "shardId-000000000001" })).toEqual(["2", "3"]);
    expect(await list({ Type: "AT_TIMESTAMP", Timestamp: beforeSplit })).toEqual(["0", "1"]);
    expect(await list({ Type: "AT_TIMESTAMP", Timestamp: new Date() })).toEqual(["1", "2", "3"]);
    expect(await list({ Type: "FROM_TIMESTAMP", Timestamp: beforeSplit })).toEqual(["0", "1", "2", "3"]);
    expect(await list({ Type: "FROM_TIMESTAMP", Timestamp: new Date() })).toEqual(["1", "2", "3"]);
    const missing = await errorOf(client.send(new ListShardsCommand({ StreamName: name, ShardFilter: { Type: "AFTER_SHARD_ID" } })));
    expect(missing.name).toBe("InvalidArgumentException");
    // The filter is kept in the NextToken.
    const page = await client.send(new ListShardsCommand({ StreamName: name, ShardFilter: { Type: "AT_LATEST" }, MaxResults: 1 }));
    const rest = await client.send(new ListShardsCommand({ NextToken: page.NextToken }));
    expect([...(page.Shards ?? []), ...(rest.Shards ?? [])].map((s) => s.ShardId)).toEqual(["shardId-000000000001", "shardId-000000000002", "shardId-000000000003"]);
  });
});

// AWS's throughput limits and UpdateShardCount quotas belong to the engine's limit guards, enforced with `--limits aws`.
describe("with --limits aws", () => {
  const t = useTributary({ config: { limits: "aws" } });

  it("reports partial PutRecords failures per entry, in request order, with FailedRecordCount", async () => {
    const client = kinesisClient(t.endpoint);
    const name = await createStream(client, "partial", 1);
    // 4 x 600 KiB into one shard: the first fits its 1 MiB/s, the rest are throttled.
    const out = await client.send(new PutRecordsCommand({ StreamName: name, Records: Array.from({ length: 4 }, (_, i) => ({ PartitionKey: "k", Data: new Uint8Array(600 * 1024).fill(i) })) }));
    expect(out.FailedRecordCount).toBe(3);
    expect(out.Records?.[0]).toMatchObject({ ShardId: "shardId-000000000000" });
    expect(out.Records?.[0]?.SequenceNumber).toMatch(/^\d+$/);
    for (const failed of out.Records!.slice(1)) {
      expect(failed).toEqual({
        ErrorCode: "ProvisionedThroughputExceededException",
        ErrorMessage: `Rate exceeded for shard shardId-000000000000 in stream ${name} under account ${ACCOUNT}.`,
      });
    }
    const read = await client.send(new GetRecordsCommand({ ShardIterator: await iterator(client, name, "shardId-000000000000", "TRIM_HORIZON") }));
    expect(read.Records?.map((r) => r.Data?.[0])).toEqual([0]);
    client.destroy();
  });

  it("refuses more than double or less than half the open shards", async () => {
    const client = kinesisClient(t.endpoint);
    const name = await createStream(client, "quota", 4);
    const scale = (n: number) => client.send(new UpdateShardCountCommand({ StreamName: name, TargetShardCount: n, ScalingType: "UNIFORM_SCALING" }));
    expect((await errorOf(scale(9))).name).toBe("LimitExceededException");
    expect((await errorOf(scale(1))).name).toBe("LimitExceededException");
    expect((await scale(8)).CurrentShardCount).toBe(4);
    client.destroy();
  });
});

describe("file storage across a restart", () => {
  it("keeps records, sequence numbers, lineage and consumers", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "tributary-restart-"));
    try {
      const first = await startTestTributary({ storage: "file", dataDir });
      let client = kinesisClient(first.server.endpoint);
      const name = await createStream(client, "durable", 2);
      const puts = [];
      for (let i = 0; i < 5; i++) puts.push(await client.send(new PutRecordCommand({ StreamName: name, PartitionKey: `k${i}`, Data: bytes(`d${i}`) })));
      await client.send(new SplitShardCommand({ StreamName: name, ShardToSplit: "shardId-000000000001", NewStartingHashKey: ((1n << 127n) + 5n).toString() }));
      await waitForActive(client, name);
      client.destroy();
      await first.cleanup();

      const second = await startTestTributary({ storage: "file", dataDir });
      client = kinesisClient(second.server.endpoint);
      const shards = (await client.send(new ListShardsCommand({ StreamName: name }))).Shards ?? [];
      expect(shards.map((s) => [s.ShardId, s.ParentShardId])).toEqual([
        ["shardId-000000000000", undefined],
        ["shardId-000000000001", undefined],
        ["shardId-000000000002", "shardId-000000000001"],
        ["shardId-000000000003", "shardId-000000000001"],
      ]);
      const read: Array<[string, string]> = [];
      for (const shard of ["shardId-000000000000", "shardId-000000000001"]) {
        const it1 = await iterator(client, name, shard, "TRIM_HORIZON");
        const out = await client.send(new GetRecordsCommand({ ShardIterator: it1 }));
        read.push(...(out.Records ?? []).map((r): [string, string] => [text(r.Data), r.SequenceNumber!]));
      }
      expect(read.sort()).toEqual(puts.map((p, i): [string, string] => [`d${i}`, p.SequenceNumber!]).sort());
      const after = await client.send(new PutRecordCommand({ StreamName: name, PartitionKey: "k0", Data: bytes("after") }));
      const before = puts[0]!;
      if (after.ShardId === before.ShardId) expect(BigInt(after.SequenceNumber!) > BigInt(before.SequenceNumber!)).toBe(true);
      client.destroy();
      await second.cleanup();
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

describe("iterator expiry (virtual clock)", () => {
  const clock = new VirtualClock(Date.now());
  const t = useTributary({ clock });

  it("expires a shard iterator after 5 minutes with AWS's message", async () => {
    const client = kinesisClient(t.endpoint);
    const name = uniqueName("expiry");
    await client.send(new CreateStreamCommand({ StreamName: name, ShardCount: 1 }));
    await waitForActive(client, name);
    const it1 = await iterator(client, name, "shardId-000000000000", "TRIM_HORIZON");
    clock.advance(300_000);
    expect((await client.send(new GetRecordsCommand({ ShardIterator: it1 }))).Records).toEqual([]);
    clock.advance(1_001);
    const expired = await errorOf(client.send(new GetRecordsCommand({ ShardIterator: it1 })));
    expect(expired.name).toBe("ExpiredIteratorException");
    expect(expired.message).toMatch(
      /^Iterator expired\. The iterator was created at time \w{3} \w{3} \d{2} \d{2}:\d{2}:\d{2} UTC \d{4} while right now it is \w{3} \w{3} \d{2} \d{2}:\d{2}:\d{2} UTC \d{4} which is further in the future than the tolerated delay of 300000 milliseconds\.$/,
    );
    client.destroy();
  });
});

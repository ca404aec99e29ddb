import { describe, expect, it } from "vitest";
import { VirtualClock } from "../../core/clock.js";
import { silentLogger } from "../../core/log.js";
import { createMemoryBackend } from "../../storage/memory/memory-backend.js";
import { StreamsError } from "./errors.js";
import { partitionKeyHash } from "./hash-key.js";
import { DEFAULT_DURATIONS, ZERO_DURATIONS, openStreams, type Streams } from "./mod.js";

const account = "123456789012";
const region = "us-east-1";
const key = (streamName: string) => ({ account, region, streamName });

async function open(durations = ZERO_DURATIONS, clock = new VirtualClock(Date.UTC(2026, 5, 1))) {
  const streams = await openStreams({
    storage: createMemoryBackend(),
    clock,
    logger: silentLogger,
    durations,
    shardLimit: 500,
    onDemandStreamCountLimit: 50,
    retentionSweepIntervalMs: 60_000,
  });
  return { streams, clock };
}

async function put(streams: Streams, name: string, count: number, prefix = "pk") {
  const stream = streams.control.stream(key(name));
  return streams.records.putRecords(
    stream,
    Array.from({ length: count }, (_, i) => ({ partitionKey: `${prefix}-${i}`, data: Buffer.from(`record-${i}`) })),
  );
}

describe("streams engine", () => {
  it("routes by MD5 of the partition key: user-123 goes to shard 2 of 4", async () => {
    expect(partitionKeyHash("user-123")).toBe(250018372642977770877286195909578633128n);
    const { streams } = await open();
    await streams.control.createStream(key("s"), { shardCount: 4, mode: "PROVISIONED" });
    const [result] = await streams.records.putRecords(streams.control.stream(key("s")), [{ partitionKey: "user-123", data: Buffer.from("x") }]);
    expect(result).toMatchObject({ ok: true, shardId: "shardId-000000000002" });
  });

  it("reads back every record in order from TRIM_HORIZON, with ever-growing sequence numbers", async () => {
    const { streams } = await open();
    await streams.control.createStream(key("s"), { shardCount: 1, mode: "PROVISIONED" });
    const results = await put(streams, "s", 25);
    const stream = streams.control.stream(key("s"));
    const iterator = await streams.records.getShardIterator(stream, "shardId-000000000000", { type: "TRIM_HORIZON" });
    const page = await streams.records.getRecords(iterator, 10, { account, region });
    expect(page.records.map((r) => Buffer.from(r.data).toString())).toEqual(Array.from({ length: 10 }, (_, i) => `record-${i}`));
    expect(page.records.map((r) => r.sequenceNumber)).toEqual(results.slice(0, 10).map((r) => (r.ok ? r.sequenceNumber : "")));
    const rest = await streams.records.getRecords(page.nextShardIterator!, 100, { account, region });
    expect(rest.records).toHaveLength(15);
    const seqs = [...page.records, ...rest.records].map((r) => BigInt(r.sequenceNumber));
    for (let i = 1; i < seqs.length; i++) expect(seqs[i]! > seqs[i - 1]!).toBe(true);
  });

  it("accepts any sequence number in range for AT and AFTER_SEQUENCE_NUMBER", async () => {
    const { streams } = await open();
    await streams.control.createStream(key("s"), { shardCount: 1, mode: "PROVISIONED" });
    const results = await put(streams, "s", 5);
    const stream = streams.control.stream(key("s"));
    const third = results[2]!;
    if (!third.ok) throw new Error("put failed");
    const after = await streams.records.getShardIterator(stream, "shardId-000000000000", { type: "AFTER_SEQUENCE_NUMBER", sequenceNumber: third.sequenceNumber });
    const page = await streams.records.getRecords(after, 100, { account, region });
    expect(page.records.map((r) => Buffer.from(r.data).toString())).toEqual(["record-3", "record-4"]);
    const starting = stream.shardsById.get("shardId-000000000000")!;
    const fromStart = await streams.records.getShardIterator(stream, starting.shardId, {
      type: "AFTER_SEQUENCE_NUMBER",
      sequenceNumber: streams.records.continuationSequenceNumber(stream, starting, 0, starting.meta.createdMs),
    });
    expect((await streams.records.getRecords(fromStart, 100, { account, region })).records).toHaveLength(5);
  });

  it("expires iterators after five minutes", async () => {
    const { streams, clock } = await open();
    await streams.control.createStream(key("s"), { shardCount: 1, mode: "PROVISIONED" });
    const iterator = await streams.records.getShardIterator(streams.control.stream(key("s")), "shardId-000000000000", { type: "LATEST" });
    clock.advance(300_001);
    await expect(streams.records.getRecords(iterator, 1, { account, region })).rejects.toMatchObject({ kind: "expired-iterator" });
    await expect(streams.records.getRecords(iterator.slice(0, -4) + "AAAA", 1, { account, region })).rejects.toMatchObject({ kind: "invalid-argument" });
  });

  it("goes CREATING -> ACTIVE and UPDATING -> ACTIVE on the clock", async () => {
    const { streams, clock } = await open(DEFAULT_DURATIONS);
    await streams.control.createStream(key("s"), { shardCount: 2, mode: "PROVISIONED" });
    const stream = streams.control.stream(key("s"));
    expect(stream.meta.status).toBe("CREATING");
    clock.advance(500);
    await new Promise((r) => setTimeout(r, 10));
    expect(streams.control.stream(key("s")).meta.status).toBe("ACTIVE");
    await streams.control.splitShard(stream, "shardId-000000000000", 1n << 126n);
    expect(stream.meta.status).toBe("UPDATING");
    await expect(streams.control.splitShard(stream, "shardId-000000000001", 1n << 127n)).rejects.toBeInstanceOf(StreamsError);
    clock.advance(500);
    await new Promise((r) => setTimeout(r, 10));
    expect(stream.meta.status).toBe("ACTIVE");
    expect(stream.meta.shards.map((s) => s.shardId)).toEqual(["shardId-000000000000", "shardId-000000000001", "shardId-000000000002", "shardId-000000000003"]);
  });

  it("splits: the parent closes, children carry lineage, readers get ChildShards at the parent's end", async () => {
    const { streams } = await open();
    await streams.control.createStream(key("s"), { shardCount: 1, mode: "PROVISIONED" });
    await put(streams, "s", 3);
    const stream = streams.control.stream(key("s"));
    await streams.control.splitShard(stream, "shardId-000000000000", 1n << 127n);
    await expect(streams.control.splitShard(stream, "shardId-000000000000", 1n << 126n)).rejects.toThrow(/has already been merged or split/);
    const parent = stream.meta.shards[0]!;
    expect(parent.endOffset).toBe(3);
    const children = stream.meta.shards.slice(1);
    expect(children.map((c) => c.parentShardId)).toEqual(["shardId-000000000000", "shardId-000000000000"]);
    await put(streams, "s", 10, "after");
    const iterator = await streams.records.getShardIterator(stream, parent.shardId, { type: "TRIM_HORIZON" });
    const page = await streams.records.getRecords(iterator, 100, { account, region });
    expect(page.records).toHaveLength(3);
    expect(page.nextShardIterator).toBeUndefined();
    expect(page.childShards?.map((c) => c.shardId)).toEqual(["shardId-000000000001", "shardId-000000000002"]);
  });

  it("merges adjacent shards only, and scales uniformly as AWS counts shards", async () => {
    const { streams } = await open();
    await streams.control.createStream(key("m"), { shardCount: 3, mode: "PROVISIONED" });
    const m = streams.control.stream(key("m"));
    await expect(streams.control.mergeShards(m, "shardId-000000000000", "shardId-000000000002")).rejects.toThrow(/not an adjacent pair/);
    await streams.control.mergeShards(m, "shardId-000000000000", "shardId-000000000001");
    const child = m.meta.shards[3]!;
    expect([child.parentShardId, child.adjacentParentShardId]).toEqual(["shardId-000000000000", "shardId-000000000001"]);

    const totals: Array<[number, number, number]> = [[2, 4, 6], [4, 5, 15], [10, 13, 37], [4, 2, 6], [5, 3, 7]];
    for (const [from, to, total] of totals) {
      const name = `scale-${from}-${to}`;
      await streams.control.createStream(key(name), { shardCount: from, mode: "PROVISIONED" });
      const stream = streams.control.stream(key(name));
      await streams.control.updateShardCount(stream, to);
      expect(stream.openShardCount).toBe(to);
      expect(stream.meta.shards.length).toBe(total);
    }
  });

  it("delivers appended records to a subscription as they arrive, then ends on takeover", async () => {
    const { streams } = await open();
    await streams.control.createStream(key("s"), { shardCount: 1, mode: "PROVISIONED" });
    const stream = streams.control.stream(key("s"));
    const consumer = await streams.control.registerConsumer(stream, "c1", {});
    const sub = await streams.subscriptions.open(stream, streams.control.consumer(stream, "c1", undefined), "shardId-000000000000", { type: "LATEST" });
    const controller = new AbortController();
    const events = sub.events(controller.signal);
    const first = events.next();
    await put(streams, "s", 2);
    const event = await first;
    expect(event.done).toBe(false);
    expect(event.value && event.value.records.map((r) => Buffer.from(r.data).toString())).toEqual(["record-0", "record-1"]);
    await expect(
      streams.subscriptions.open(stream, streams.control.consumer(stream, undefined, consumer.consumerArn), "shardId-000000000000", { type: "LATEST" }),
    ).rejects.toThrow(/Another active subscription/);
    controller.abort();
    expect((await events.next()).done).toBe(true);
  });

  it("hides records past retention at once when retention decreases", async () => {
    const { streams, clock } = await open();
    await streams.control.createStream(key("s"), { shardCount: 1, mode: "PROVISIONED" });
    const stream = streams.control.stream(key("s"));
    await streams.control.increaseRetention(stream, 48);
    await put(streams, "s", 2, "old");
    clock.advance(30 * 3_600_000);
    await put(streams, "s", 1, "new");
    await streams.control.decreaseRetention(stream, 24);
    const iterator = await streams.records.getShardIterator(stream, "shardId-000000000000", { type: "TRIM_HORIZON" });
    const page = await streams.records.getRecords(iterator, 100, { account, region });
    expect(page.records.map((r) => r.partitionKey)).toEqual(["new-0"]);
  });
});

/**
 * Data-plane limits through @aws-sdk/client-kinesis (default HTTP/2 handler, maxAttempts 1) on a
 * VirtualClock: each per-shard budget at its bound and one past it with --limits aws, and the same
 * calls all succeeding with --limits off.
 */
import {
  CreateStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  PutRecordCommand,
  PutRecordsCommand,
  type KinesisClient,
  type PutRecordsRequestEntry,
} from "@aws-sdk/client-kinesis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { VirtualClock } from "../src/core/clock.js";
import { errorOf, kinesisClient, startTestTributary, uniqueName } from "./helpers/tributary.js";

const ACCOUNT = "000000000000";
const MiB = 1024 * 1024;
/** ExplicitHashKeys that land on shard 0 and shard 1 of a 2-shard stream. */
const SHARD0_KEY = "0";
const SHARD1_KEY = (2n ** 127n + 1n).toString();

function entries(count: number, dataBytes: number, explicitHashKey = SHARD0_KEY): PutRecordsRequestEntry[] {
  return Array.from({ length: count }, () => ({ PartitionKey: "k", ExplicitHashKey: explicitHashKey, Data: new Uint8Array(dataBytes) }));
}

function rateMessage(shardId: string, stream: string): string {
  return `Rate exceeded for shard ${shardId} in stream ${stream} under account ${ACCOUNT}.`;
}

describe.each(["aws", "off"] as const)("data-plane limits with --limits %s", (limits) => {
  const enforced = limits === "aws";
  const clock = new VirtualClock(Date.now());
  let stop: () => Promise<void>;
  let client: KinesisClient;

  beforeAll(async () => {
    const started = await startTestTributary({ clock, config: { limits } });
    stop = started.cleanup;
    client = kinesisClient(started.server.endpoint);
  });
  afterAll(async () => {
    client.destroy();
    await stop();
  });

  const createStream = async (shards = 2, maxRecordSizeKiB?: number): Promise<string> => {
    const name = uniqueName(`lim-${limits}`);
    await client.send(new CreateStreamCommand({ StreamName: name, ShardCount: shards, ...(maxRecordSizeKiB ? { MaxRecordSizeInKiB: maxRecordSizeKiB } : {}) }));
    clock.advance(1000); // control-plane call rates are per second
    return name;
  };

  it("takes 1,000 records per second per shard; the 1,001st entry alone fails while other shards' entries succeed", async () => {
    const name = await createStream();
    for (let i = 0; i < 2; i++) {
      const out = await client.send(new PutRecordsCommand({ StreamName: name, Records: entries(500, 1) }));
      expect(out.FailedRecordCount).toBe(0);
    }
    const mixed = await client.send(
      new PutRecordsCommand({ StreamName: name, Records: [...entries(1, 1), ...entries(1, 1, SHARD1_KEY), ...entries(1, 1)] }),
    );
    if (enforced) {
      expect(mixed.FailedRecordCount).toBe(2);
      expect(mixed.Records?.[0]).toEqual({ ErrorCode: "ProvisionedThroughputExceededException", ErrorMessage: rateMessage("shardId-000000000000", name) });
      expect(mixed.Records?.[1]).toMatchObject({ ShardId: "shardId-000000000001" });
      expect(mixed.Records?.[2]?.ErrorCode).toBe("ProvisionedThroughputExceededException");
      const whole = await errorOf(client.send(new PutRecordCommand({ StreamName: name, PartitionKey: "k", ExplicitHashKey: SHARD0_KEY, Data: new Uint8Array(1) })));
      expect(whole).toEqual({ name: "ProvisionedThroughputExceededException", message: rateMessage("shardId-000000000000", name), status: 400 });
      clock.advance(1); // one record's worth of tokens
      await client.send(new PutRecordCommand({ StreamName: name, PartitionKey: "k", ExplicitHashKey: SHARD0_KEY, Data: new Uint8Array(1) }));
      const again = await errorOf(client.send(new PutRecordCommand({ StreamName: name, PartitionKey: "k", ExplicitHashKey: SHARD0_KEY, Data: new Uint8Array(1) })));
      expect(again.name).toBe("ProvisionedThroughputExceededException");
    } else {
      expect(mixed.FailedRecordCount).toBe(0);
    }
  });

  it("takes 1 MiB per second per shard, partition keys included", async () => {
    const name = await createStream();
    // Four records of 256 KiB each, partition key "k" (1 byte) included: exactly 1 MiB.
    const full = await client.send(new PutRecordsCommand({ StreamName: name, Records: entries(4, 256 * 1024 - 1) }));
    expect(full.FailedRecordCount).toBe(0);
    // One more byte: the partition key alone.
    const past = await client.send(new PutRecordsCommand({ StreamName: name, Records: entries(1, 0) }));
    expect(past.FailedRecordCount).toBe(enforced ? 1 : 0);
    if (enforced) {
      clock.advance(1); // 1 ms refills ~1 KiB
      const refilled = await client.send(new PutRecordsCommand({ StreamName: name, Records: entries(1, 0) }));
      expect(refilled.FailedRecordCount).toBe(0);
    }
  });

  it("lets a quiet shard take one record above 1 MiB, then holds writes until the debt is repaid", async () => {
    const name = await createStream(1, 4096);
    await client.send(new PutRecordCommand({ StreamName: name, PartitionKey: "k", Data: new Uint8Array(3 * MiB - 1) }));
    const put = () => client.send(new PutRecordCommand({ StreamName: name, PartitionKey: "k", Data: new Uint8Array(0) }));
    if (!enforced) return void (await put());
    clock.advance(2000); // 3 MiB taken from a 1 MiB bucket: 2 MiB owed, repaid after 2 s
    expect((await errorOf(put())).name).toBe("ProvisionedThroughputExceededException");
    clock.advance(1);
    await put();
  });

  it("allows 5 GetRecords calls per second per shard", async () => {
    const name = await createStream(1);
    const { ShardIterator } = await client.send(new GetShardIteratorCommand({ StreamName: name, ShardId: "shardId-000000000000", ShardIteratorType: "LATEST" }));
    let iterator = ShardIterator;
    for (let i = 0; i < 5; i++) iterator = (await client.send(new GetRecordsCommand({ ShardIterator: iterator }))).NextShardIterator;
    const sixth = client.send(new GetRecordsCommand({ ShardIterator: iterator }));
    if (!enforced) return void (await sixth);
    expect(await errorOf(sixth)).toEqual({ name: "ProvisionedThroughputExceededException", message: rateMessage("shardId-000000000000", name), status: 400 });
    clock.advance(200); // one call's worth
    await client.send(new GetRecordsCommand({ ShardIterator: iterator }));
  });

  it("throttles GetRecords for 5 seconds after a call returns 10 MiB (and returns no data meanwhile)", async () => {
    const name = await createStream(1);
    for (let i = 0; i < 10; i++) {
      await client.send(new PutRecordCommand({ StreamName: name, PartitionKey: "k", Data: new Uint8Array(MiB - 1) }));
      clock.advance(1000);
    }
    // One more record that does not fit in the same 10 MiB read.
    await client.send(new PutRecordCommand({ StreamName: name, PartitionKey: "k", Data: new Uint8Array(100) }));
    const { ShardIterator } = await client.send(new GetShardIteratorCommand({ StreamName: name, ShardId: "shardId-000000000000", ShardIteratorType: "TRIM_HORIZON" }));
    const big = await client.send(new GetRecordsCommand({ ShardIterator }));
    expect(big.Records).toHaveLength(10);
    clock.advance(4999);
    const next = client.send(new GetRecordsCommand({ ShardIterator: big.NextShardIterator }));
    if (enforced) {
      expect((await errorOf(next)).name).toBe("ProvisionedThroughputExceededException");
      clock.advance(1);
    } else {
      await next;
    }
    const after = await client.send(new GetRecordsCommand({ ShardIterator: big.NextShardIterator }));
    expect(after.Records).toHaveLength(1);
  });

  it("allows 5 GetShardIterator calls per second per shard", async () => {
    const name = await createStream(1);
    const call = () => client.send(new GetShardIteratorCommand({ StreamName: name, ShardId: "shardId-000000000000", ShardIteratorType: "LATEST" }));
    for (let i = 0; i < 5; i++) await call();
    if (!enforced) return void (await call());
    expect(await errorOf(call())).toEqual({ name: "ProvisionedThroughputExceededException", message: rateMessage("shardId-000000000000", name), status: 400 });
    clock.advance(200);
    await call();
  });
});

/**
 * Time-dependent behaviour through the JS SDK, with the engine on a virtual clock: retention trimming
 * (TRIM_HORIZON follows the trim point, closed shards expire out of listings), the 5-minute end of a
 * SubscribeToShard session, and subscriptions ended by stream deletion.
 */
import {
  CreateStreamCommand,
  DecreaseStreamRetentionPeriodCommand,
  DeleteStreamCommand,
  DescribeStreamConsumerCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  IncreaseStreamRetentionPeriodCommand,
  ListShardsCommand,
  ListStreamConsumersCommand,
  ListStreamsCommand,
  PutRecordCommand,
  RegisterStreamConsumerCommand,
  SplitShardCommand,
  SubscribeToShardCommand,
  type KinesisClient,
  type SubscribeToShardEventStream,
} from "@aws-sdk/client-kinesis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { VirtualClock } from "../src/core/clock.js";
import { kinesisClient, streamArn, uniqueName, useTributary, waitForActive, waitUntil } from "./helpers/tributary.js";

const HOUR_MS = 3_600_000;
const clock = new VirtualClock(Date.now() - 100 * HOUR_MS); // in the past, so virtual "now" never runs ahead of the wall clock
const tributary = useTributary({ clock });
const bytes = (text: string) => new TextEncoder().encode(text);
const text = (data: Uint8Array | undefined) => new TextDecoder().decode(data);

describe("time through the SDK (virtual clock)", () => {
  let client: KinesisClient;
  beforeAll(() => {
    client = kinesisClient(tributary.endpoint);
  });
  afterAll(() => client.destroy());

  const createStream = async (shards: number) => {
    const name = uniqueName("time");
    await client.send(new CreateStreamCommand({ StreamName: name, ShardCount: shards }));
    await waitForActive(client, name);
    return name;
  };
  const readFromTrimHorizon = async (name: string, shardId: string) => {
    const { ShardIterator } = await client.send(new GetShardIteratorCommand({ StreamName: name, ShardId: shardId, ShardIteratorType: "TRIM_HORIZON" }));
    return (await client.send(new GetRecordsCommand({ ShardIterator }))).Records?.map((r) => text(r.Data)) ?? [];
  };

  it("trims records past retention; a decrease applies at once; expired closed shards leave the listings", async () => {
    const name = await createStream(1);
    await client.send(new IncreaseStreamRetentionPeriodCommand({ StreamName: name, RetentionPeriodHours: 48 }));
    await client.send(new PutRecordCommand({ StreamName: name, PartitionKey: "k", Data: bytes("old") }));
    clock.advance(30 * HOUR_MS);
    await client.send(new PutRecordCommand({ StreamName: name, PartitionKey: "k", Data: bytes("new") }));
    expect(await readFromTrimHorizon(name, "shardId-000000000000")).toEqual(["old", "new"]);
    // 30 hours old is past a 24-hour retention: unreadable at once after the decrease.
    await client.send(new DecreaseStreamRetentionPeriodCommand({ StreamName: name, RetentionPeriodHours: 24 }));
    expect(await readFromTrimHorizon(name, "shardId-000000000000")).toEqual(["new"]);

    await client.send(new SplitShardCommand({ StreamName: name, ShardToSplit: "shardId-000000000000", NewStartingHashKey: "1000" }));
    await waitForActive(client, name);
    const listed = async () => ((await client.send(new ListShardsCommand({ StreamName: name }))).Shards ?? []).map((s) => s.ShardId);
    expect(await listed()).toEqual(["shardId-000000000000", "shardId-000000000001", "shardId-000000000002"]);
    clock.advance(25 * HOUR_MS);
    // The parent closed more than a retention period ago: EXPIRED, no longer listed or readable.
    expect(await listed()).toEqual(["shardId-000000000001", "shardId-000000000002"]);
    const expired = await client.send(new GetShardIteratorCommand({ StreamName: name, ShardId: "shardId-000000000000", ShardIteratorType: "TRIM_HORIZON" })).catch((e: unknown) => e as Error);
    expect((expired as Error).name).toBe("ResourceNotFoundException");
  });

  it("expires ListShards, ListStreams and ListStreamConsumers NextTokens after 5 minutes", async () => {
    const name = await createStream(3);
    const consumerArn = await consumerFor(name);
    await client.send(new RegisterStreamConsumerCommand({ StreamARN: streamArn(name), ConsumerName: "c2" }));
    expect(consumerArn).toBeTruthy();
    await client.send(new CreateStreamCommand({ StreamName: `${name}-b`, ShardCount: 1 }));
    const shards = await client.send(new ListShardsCommand({ StreamName: name, MaxResults: 1 }));
    const streams = await client.send(new ListStreamsCommand({ Limit: 1 }));
    const consumers = await client.send(new ListStreamConsumersCommand({ StreamARN: streamArn(name), MaxResults: 1 }));
    expect([shards.NextToken, streams.NextToken, consumers.NextToken].every((t) => typeof t === "string")).toBe(true);
    clock.advance(5 * 60_000 + 1);
    const errors = await Promise.all([
      client.send(new ListShardsCommand({ NextToken: shards.NextToken })).catch((e: Error) => e),
      client.send(new ListStreamsCommand({ NextToken: streams.NextToken })).catch((e: Error) => e),
      client.send(new ListStreamConsumersCommand({ StreamARN: streamArn(name), NextToken: consumers.NextToken })).catch((e: Error) => e),
    ]);
    expect(errors.map((e) => (e as Error).name)).toEqual(["ExpiredNextTokenException", "ExpiredNextTokenException", "ExpiredNextTokenException"]);
  });

  const subscribe = async (consumerArn: string) => {
    const out = await client.send(new SubscribeToShardCommand({ ConsumerARN: consumerArn, ShardId: "shardId-000000000000", StartingPosition: { Type: "LATEST" } }));
    return out.EventStream![Symbol.asyncIterator]();
  };
  const drain = async (events: AsyncIterator<SubscribeToShardEventStream>): Promise<{ outcome: string; records: string[] }> => {
    const records: string[] = [];
    try {
      for (;;) {
        const step = await events.next();
        if (step.done) return { outcome: "completed", records };
        records.push(...(step.value.SubscribeToShardEvent?.Records ?? []).map((r) => text(r.Data)));
      }
    } catch (error) {
      return { outcome: (error as Error).name, records };
    }
  };
  const consumerFor = async (name: string) => {
    const { Consumer } = await client.send(new RegisterStreamConsumerCommand({ StreamARN: streamArn(name), ConsumerName: "c" }));
    await waitUntil(async () => (await client.send(new DescribeStreamConsumerCommand({ ConsumerARN: Consumer!.ConsumerARN }))).ConsumerDescription?.ConsumerStatus === "ACTIVE", "consumer");
    return Consumer!.ConsumerARN!;
  };

  it("ends a SubscribeToShard session normally after 5 minutes", async () => {
    const name = await createStream(1);
    const events = await subscribe(await consumerFor(name));
    const done = drain(events);
    await client.send(new PutRecordCommand({ StreamName: name, PartitionKey: "k", Data: bytes("in-session") }));
    for (let i = 0; i < 61; i++) clock.advance(5_000); // heartbeats on the way, then the deadline
    expect(await done).toEqual({ outcome: "completed", records: ["in-session"] });
  });

  it("sends heartbeat events whose continuation resumes correctly, and splits a backlog into 2 MiB events with MillisBehindLatest", async () => {
    const name = await createStream(1);
    const consumerArn = await consumerFor(name);
    const first = await client.send(new SubscribeToShardCommand({ ConsumerARN: consumerArn, ShardId: "shardId-000000000000", StartingPosition: { Type: "LATEST" } }));
    const events = first.EventStream![Symbol.asyncIterator]();
    const heartbeat = events.next();
    clock.advance(5_000);
    const beat = (await heartbeat).value?.SubscribeToShardEvent;
    expect(beat?.Records).toEqual([]);
    expect(beat?.MillisBehindLatest).toBe(0);
    const continuation = beat!.ContinuationSequenceNumber!;
    expect(continuation).toMatch(/^\d+$/);
    await events.return?.();

    const MiB = 1024 * 1024;
    for (let i = 0; i < 3; i++) await client.send(new PutRecordCommand({ StreamName: name, PartitionKey: "k", Data: new Uint8Array(MiB - 1).fill(i) }));
    clock.advance(10_000);
    // Past the 5-second takeover window, so the new session replaces the old one whatever its state.
    const resumed = await client.send(new SubscribeToShardCommand({ ConsumerARN: consumerArn, ShardId: "shardId-000000000000", StartingPosition: { Type: "AFTER_SEQUENCE_NUMBER", SequenceNumber: continuation } }));
    const more = resumed.EventStream![Symbol.asyncIterator]();
    const seen: Array<{ records: number; behind: number | undefined }> = [];
    let total = 0;
    while (total < 3) {
      const event = (await more.next()).value?.SubscribeToShardEvent;
      if (!event || event.Records?.length === 0) continue;
      total += event.Records!.length;
      seen.push({ records: event.Records!.length, behind: event.MillisBehindLatest });
      expect(event.Records!.reduce((sum: number, r: { Data?: Uint8Array }) => sum + r.Data!.length + 1, 0)).toBeLessThanOrEqual(2 * MiB);
    }
    expect(seen.length).toBeGreaterThanOrEqual(2);
    expect(seen[0]!.behind).toBe(10_000);
    expect(seen[seen.length - 1]!.behind).toBe(0);
    await more.return?.();
  });

  it("ends a subscription with a ResourceNotFoundException event when its stream is deleted", async () => {
    const name = await createStream(1);
    const events = await subscribe(await consumerFor(name));
    const done = drain(events);
    await client.send(new DeleteStreamCommand({ StreamName: name, EnforceConsumerDeletion: true }));
    const { outcome } = await Promise.race([done, new Promise<{ outcome: string }>((r) => setTimeout(() => r({ outcome: "still open after 1 s" }), 1000))]);
    expect(outcome).toBe("ResourceNotFoundException");
  });
});

/**
 * On-demand scaling through @aws-sdk/client-kinesis on a VirtualClock with a 1-second scaling window:
 * a stream under sustained load splits its hot shards and grows to twice its peak, in both limit modes,
 * and a reader that drains parents before children (following ChildShards) sees every partition key's
 * records in put order. Warm throughput provisions shards ahead of load.
 */
import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  ListShardsCommand,
  PutRecordsCommand,
  UpdateAccountSettingsCommand,
  UpdateStreamModeCommand,
  UpdateStreamWarmThroughputCommand,
  type KinesisClient,
  type Shard,
} from "@aws-sdk/client-kinesis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningTributary } from "../src/app.js";
import { VirtualClock } from "../src/core/clock.js";
import { kinesisClient, startTestTributary, streamArn, uniqueName } from "./helpers/tributary.js";

const WINDOW_MS = 1000;
const STEPS_PER_WINDOW = 10;
const KiB = 1024;
const RECORD_DATA_BYTES = 2 * KiB;
const KEYS = 256;
/** Write rate per open shard: above the 500 KiB/s split threshold, below the 1 MiB/s shard limit. */
const BYTES_PER_SHARD_PER_SECOND = 600 * KiB;

async function openShardCount(client: KinesisClient, name: string): Promise<number> {
  const out = await client.send(new DescribeStreamSummaryCommand({ StreamName: name }));
  return out.StreamDescriptionSummary!.OpenShardCount!;
}

async function allShards(client: KinesisClient, name: string): Promise<Shard[]> {
  const shards: Shard[] = [];
  let token: string | undefined;
  do {
    const out = await client.send(token ? new ListShardsCommand({ NextToken: token }) : new ListShardsCommand({ StreamName: name }));
    shards.push(...(out.Shards ?? []));
    token = out.NextToken;
  } while (token);
  return shards;
}

/** Reads a shard from TRIM_HORIZON to its end (closed) or its tip (open); returns its records' data and ChildShards. */
async function drain(client: KinesisClient, name: string, shardId: string): Promise<{ data: string[]; children: string[] }> {
  let iterator = (await client.send(new GetShardIteratorCommand({ StreamName: name, ShardId: shardId, ShardIteratorType: "TRIM_HORIZON" }))).ShardIterator;
  const data: string[] = [];
  const children = new Set<string>();
  while (iterator) {
    const out = await client.send(new GetRecordsCommand({ ShardIterator: iterator }));
    for (const r of out.Records ?? []) data.push(Buffer.from(r.Data!).subarray(0, 16).toString("utf8").trimEnd());
    for (const c of out.ChildShards ?? []) children.add(c.ShardId!);
    if ((out.Records ?? []).length === 0 && out.NextShardIterator && out.MillisBehindLatest === 0) break; // open shard, caught up
    iterator = out.NextShardIterator;
  }
  return { data, children: [...children] };
}

describe.each(["off", "aws"] as const)("on-demand scaling with --limits %s", (limits) => {
  const clock = new VirtualClock(Date.now());
  let server: RunningTributary;
  let stop: () => Promise<void>;
  let client: KinesisClient;

  beforeAll(async () => {
    const started = await startTestTributary({ clock, config: { limits, onDemandScaleWindowMs: WINDOW_MS } });
    server = started.server;
    stop = started.cleanup;
    client = kinesisClient(server.endpoint);
  });
  afterAll(async () => {
    client.destroy();
    await stop();
  });

  it("splits hot shards under sustained load (4 -> 8 -> 16) and keeps every key's records in order across the splits", async () => {
    const name = uniqueName(`od-${limits}`);
    await client.send(new CreateStreamCommand({ StreamName: name, StreamModeDetails: { StreamMode: "ON_DEMAND" } }));
    expect(await openShardCount(client, name)).toBe(4);

    const nextSeq = new Array<number>(KEYS).fill(0);
    let key = 0;
    const counts: number[] = [];
    for (let window = 0; window < 2; window++) {
      const shards = await openShardCount(client, name);
      counts.push(shards);
      const recordsPerStep = Math.ceil((shards * BYTES_PER_SHARD_PER_SECOND) / STEPS_PER_WINDOW / RECORD_DATA_BYTES);
      for (let step = 0; step < STEPS_PER_WINDOW; step++) {
        const Records = Array.from({ length: recordsPerStep }, () => {
          const k = key++ % KEYS;
          const data = Buffer.alloc(RECORD_DATA_BYTES, " ");
          data.write(`${k}:${nextSeq[k]!++}`);
          return { PartitionKey: `key-${k}`, Data: data };
        });
        for (let i = 0; i < Records.length; i += 500) {
          const out = await client.send(new PutRecordsCommand({ StreamName: name, Records: Records.slice(i, i + 500) }));
          expect(out.FailedRecordCount).toBe(0);
        }
        clock.advance(WINDOW_MS / STEPS_PER_WINDOW);
      }
      await server.streams.scaling.settled();
    }
    counts.push(await openShardCount(client, name));
    expect(counts).toEqual([4, 8, 16]);

    // Read every shard, parents before children, and check each key's records are in put order.
    const shards = await allShards(client, name);
    expect(shards).toHaveLength(4 + 8 + 16);
    const parentsOf = new Map(shards.map((s) => [s.ShardId!, [s.ParentShardId, s.AdjacentParentShardId].filter((p): p is string => p !== undefined)]));
    const done = new Set<string>();
    const seen = new Map<number, number[]>();
    const queue = shards.filter((s) => s.ParentShardId === undefined).map((s) => s.ShardId!);
    while (queue.length > 0) {
      const shardId = queue.shift()!;
      if (done.has(shardId)) continue;
      if (!parentsOf.get(shardId)!.every((p) => done.has(p))) {
        queue.push(shardId);
        continue;
      }
      const { data, children } = await drain(client, name, shardId);
      done.add(shardId);
      queue.push(...children);
      for (const item of data) {
        const [k, seq] = item.split(":").map(Number) as [number, number];
        const list = seen.get(k) ?? [];
        list.push(seq);
        seen.set(k, list);
      }
    }
    expect(done.size).toBe(shards.length);
    for (let k = 0; k < KEYS; k++) {
      expect(seen.get(k), `key ${k}`).toEqual(Array.from({ length: nextSeq[k]! }, (_, i) => i));
    }
  });
});

describe("warm throughput", () => {
  const clock = new VirtualClock(Date.now());
  let stop: () => Promise<void>;
  let client: KinesisClient;
  beforeAll(async () => {
    const started = await startTestTributary({ clock, config: { onDemandScaleWindowMs: WINDOW_MS } });
    stop = started.cleanup;
    client = kinesisClient(started.server.endpoint);
    await client.send(new UpdateAccountSettingsCommand({ MinimumThroughputBillingCommitment: { Status: "ENABLED" } }));
  });
  afterAll(async () => {
    client.destroy();
    await stop();
  });

  it("provisions one shard per MiB/s at CreateStream, UpdateStreamWarmThroughput and UpdateStreamMode", async () => {
    const created = uniqueName("warm");
    await client.send(new CreateStreamCommand({ StreamName: created, StreamModeDetails: { StreamMode: "ON_DEMAND" }, WarmThroughputMiBps: 10 }));
    expect(await openShardCount(client, created)).toBe(10);
    await client.send(new UpdateStreamWarmThroughputCommand({ StreamName: created, WarmThroughputMiBps: 24 }));
    expect(await openShardCount(client, created)).toBe(24);
    // Idle windows never shrink a stream below its warm throughput.
    clock.advance(3 * WINDOW_MS);
    expect(await openShardCount(client, created)).toBe(24);

    const switched = uniqueName("warm-switch");
    await client.send(new CreateStreamCommand({ StreamName: switched, ShardCount: 1 }));
    await client.send(new UpdateStreamModeCommand({ StreamARN: streamArn(switched), StreamModeDetails: { StreamMode: "ON_DEMAND" }, WarmThroughputMiBps: 6 }));
    expect(await openShardCount(client, switched)).toBe(6);
  });
});

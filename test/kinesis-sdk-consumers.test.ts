/**
 * Enhanced fan-out through @aws-sdk/client-kinesis v3: consumer registration on both handlers, and
 * SubscribeToShard over the SDK's default HTTP/2 handler: records pushed as they are put (latency printed,
 * not asserted), resuming from ContinuationSequenceNumber, ChildShards at a split shard's end, the 5-second
 * takeover rules (driven by a virtual clock) and deregistration ending a subscription.
 */
import {
  CreateStreamCommand,
  DeleteResourcePolicyCommand,
  DeleteStreamCommand,
  GetResourcePolicyCommand,
  ListTagsForResourceCommand,
  PutResourcePolicyCommand,
  TagResourceCommand,
  UntagResourceCommand,
  DeregisterStreamConsumerCommand,
  DescribeStreamConsumerCommand,
  DescribeStreamSummaryCommand,
  ListStreamConsumersCommand,
  PutRecordCommand,
  RegisterStreamConsumerCommand,
  SplitShardCommand,
  SubscribeToShardCommand,
  type KinesisClient,
  type StartingPosition,
  type SubscribeToShardEvent,
  type SubscribeToShardEventStream,
} from "@aws-sdk/client-kinesis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { VirtualClock } from "../src/core/clock.js";
import { errorOf, HANDLER_KINDS, kinesisClient, streamArn, uniqueName, useTributary, waitForActive, waitUntil } from "./helpers/tributary.js";

const tributary = useTributary();
const ACCOUNT = "000000000000";
const bytes = (text: string) => new TextEncoder().encode(text);
const text = (data: Uint8Array | undefined) => new TextDecoder().decode(data);

async function streamWithConsumer(client: KinesisClient, prefix: string, shards = 1): Promise<{ name: string; arn: string; consumerArn: string }> {
  const name = uniqueName(prefix);
  await client.send(new CreateStreamCommand({ StreamName: name, ShardCount: shards }));
  await waitForActive(client, name);
  const arn = streamArn(name);
  const { Consumer } = await client.send(new RegisterStreamConsumerCommand({ StreamARN: arn, ConsumerName: "app" }));
  await waitUntil(async () => (await client.send(new DescribeStreamConsumerCommand({ ConsumerARN: Consumer!.ConsumerARN }))).ConsumerDescription?.ConsumerStatus === "ACTIVE", "consumer ACTIVE");
  return { name, arn, consumerArn: Consumer!.ConsumerARN! };
}

/** A subscription read event by event, with a way to end it from the client side. */
class Subscription {
  private readonly iterator: AsyncIterator<SubscribeToShardEventStream>;
  readonly controller = new AbortController();
  /** Kinds of events the SDK yielded that were not SubscribeToShardEvent. */
  readonly skipped: string[] = [];
  private constructor(iterable: AsyncIterable<SubscribeToShardEventStream>, controller: AbortController) {
    this.iterator = iterable[Symbol.asyncIterator]();
    this.controller = controller;
  }

  static async open(client: KinesisClient, ConsumerARN: string, ShardId: string, StartingPosition: StartingPosition): Promise<Subscription> {
    const controller = new AbortController();
    const out = await client.send(new SubscribeToShardCommand({ ConsumerARN, ShardId, StartingPosition }), { abortSignal: controller.signal });
    expect(out.EventStream).toBeDefined();
    return new Subscription(out.EventStream!, controller);
  }

  /** The next SubscribeToShardEvent (skipping any other event kinds), or undefined when the stream ends. */
  async next(): Promise<SubscribeToShardEvent | undefined> {
    for (;;) {
      const step = await this.iterator.next();
      if (step.done) return undefined;
      if (step.value.SubscribeToShardEvent) return step.value.SubscribeToShardEvent;
      this.skipped.push(Object.keys(step.value).join(","));
    }
  }

  /** Events until `count` records have arrived. */
  async records(count: number): Promise<{ data: string[]; events: SubscribeToShardEvent[] }> {
    const data: string[] = [];
    const events: SubscribeToShardEvent[] = [];
    while (data.length < count) {
      const event = await this.next();
      if (!event) throw new Error(`stream ended after ${data.length} of ${count} records`);
      events.push(event);
      data.push(...(event.Records ?? []).map((r) => text(r.Data)));
    }
    return { data, events };
  }

  close(): void {
    this.controller.abort();
    void this.iterator.return?.().catch(() => undefined);
  }
}

describe.each(HANDLER_KINDS)("consumers over %s", (handler) => {
  let client: KinesisClient;
  beforeAll(() => {
    client = kinesisClient(tributary.endpoint, { handler });
  });
  afterAll(() => client.destroy());

  it("registers, describes, lists and deregisters consumers with AWS's ARN format", async () => {
    const name = uniqueName(`cons-${handler}`);
    await client.send(new CreateStreamCommand({ StreamName: name, ShardCount: 1 }));
    await waitForActive(client, name);
    const StreamARN = streamArn(name);
    const before = Math.floor(Date.now() / 1000);
    const { Consumer } = await client.send(new RegisterStreamConsumerCommand({ StreamARN, ConsumerName: "reader-1" }));
    expect(Consumer?.ConsumerName).toBe("reader-1");
    expect(Consumer?.ConsumerARN).toMatch(new RegExp(`^arn:aws:kinesis:us-east-1:${ACCOUNT}:stream/${name}/consumer/reader-1:(\\d+)$`));
    const epoch = Number(/:(\d+)$/.exec(Consumer!.ConsumerARN!)![1]);
    expect(epoch).toBeGreaterThanOrEqual(before - 1);
    expect(Consumer?.ConsumerCreationTimestamp).toBeInstanceOf(Date);
    expect(["CREATING", "ACTIVE"]).toContain(Consumer?.ConsumerStatus);
    await client.send(new RegisterStreamConsumerCommand({ StreamARN, ConsumerName: "reader-2" }));

    const dup = await errorOf(client.send(new RegisterStreamConsumerCommand({ StreamARN, ConsumerName: "reader-1" })));
    expect(dup.name).toBe("ResourceInUseException");

    const byArn = await client.send(new DescribeStreamConsumerCommand({ ConsumerARN: Consumer!.ConsumerARN }));
    expect(byArn.ConsumerDescription).toMatchObject({ ConsumerName: "reader-1", ConsumerARN: Consumer!.ConsumerARN, ConsumerStatus: "ACTIVE", StreamARN });
    const byName = await client.send(new DescribeStreamConsumerCommand({ StreamARN, ConsumerName: "reader-1" }));
    expect(byName.ConsumerDescription?.ConsumerARN).toBe(Consumer!.ConsumerARN);
    const missing = await errorOf(client.send(new DescribeStreamConsumerCommand({ StreamARN, ConsumerName: "nobody" })));
    expect(missing.name).toBe("ResourceNotFoundException");
    expect((await errorOf(client.send(new DescribeStreamConsumerCommand({ ConsumerName: "reader-1" })))).name).toBe("InvalidArgumentException");

    const all = await client.send(new ListStreamConsumersCommand({ StreamARN }));
    expect(all.Consumers?.map((c) => c.ConsumerName).sort()).toEqual(["reader-1", "reader-2"]);
    const page = await client.send(new ListStreamConsumersCommand({ StreamARN, MaxResults: 1 }));
    expect(page.Consumers).toHaveLength(1);
    expect(page.NextToken).toBeTruthy();
    const rest = await client.send(new ListStreamConsumersCommand({ StreamARN, NextToken: page.NextToken }));
    expect([...page.Consumers!, ...rest.Consumers!].map((c) => c.ConsumerName).sort()).toEqual(["reader-1", "reader-2"]);
    expect((await errorOf(client.send(new ListStreamConsumersCommand({ StreamARN, MaxResults: 10001 })))).name).toBe("ValidationException");
    expect((await client.send(new DescribeStreamSummaryCommand({ StreamName: name }))).StreamDescriptionSummary?.ConsumerCount).toBe(2);

    // A stream with consumers is deleted only with EnforceConsumerDeletion.
    expect((await errorOf(client.send(new DeleteStreamCommand({ StreamName: name })))).name).toBe("ResourceInUseException");

    await client.send(new DeregisterStreamConsumerCommand({ ConsumerARN: Consumer!.ConsumerARN }));
    await client.send(new DeregisterStreamConsumerCommand({ StreamARN, ConsumerName: "reader-2" }));
    await waitUntil(async () => ((await client.send(new ListStreamConsumersCommand({ StreamARN }))).Consumers ?? []).length === 0, "deregistration");
    expect((await errorOf(client.send(new DescribeStreamConsumerCommand({ ConsumerARN: Consumer!.ConsumerARN })))).name).toBe("ResourceNotFoundException");
    // Consumers carry their own tags and resource policy, addressed by consumer ARN.
    const { Consumer: tagged } = await client.send(new RegisterStreamConsumerCommand({ StreamARN, ConsumerName: "tagged", Tags: { owner: "team-a" } }));
    const consumerArn = tagged!.ConsumerARN!;
    expect((await client.send(new ListTagsForResourceCommand({ ResourceARN: consumerArn }))).Tags).toEqual([{ Key: "owner", Value: "team-a" }]);
    await client.send(new TagResourceCommand({ ResourceARN: consumerArn, Tags: { env: "test" } }));
    await client.send(new UntagResourceCommand({ ResourceARN: consumerArn, TagKeys: ["owner"] }));
    expect((await client.send(new ListTagsForResourceCommand({ ResourceARN: consumerArn }))).Tags).toEqual([{ Key: "env", Value: "test" }]);
    expect((await client.send(new ListTagsForResourceCommand({ ResourceARN: StreamARN }))).Tags).toEqual([]);
    const policy = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::111111111111:root" }, Action: "kinesis:SubscribeToShard", Resource: consumerArn }] });
    await client.send(new PutResourcePolicyCommand({ ResourceARN: consumerArn, Policy: policy }));
    expect(JSON.parse((await client.send(new GetResourcePolicyCommand({ ResourceARN: consumerArn }))).Policy!)).toEqual(JSON.parse(policy));
    await client.send(new DeleteResourcePolicyCommand({ ResourceARN: consumerArn }));
    const ghost = `${StreamARN}/consumer/ghost:1700000000`;
    expect((await errorOf(client.send(new ListTagsForResourceCommand({ ResourceARN: ghost })))).name).toBe("ResourceNotFoundException");
    await client.send(new DeregisterStreamConsumerCommand({ ConsumerARN: consumerArn }));

    // 20 consumers per stream, the 21st refused.
    for (let i = 0; i < 20; i++) await client.send(new RegisterStreamConsumerCommand({ StreamARN, ConsumerName: `many-${i}` }));
    const tooMany = await errorOf(client.send(new RegisterStreamConsumerCommand({ StreamARN, ConsumerName: "many-20" })));
    expect(tooMany.name).toBe("LimitExceededException");
    await client.send(new DeleteStreamCommand({ StreamName: name, EnforceConsumerDeletion: true }));
  });
});

describe("SubscribeToShard over the SDK's default HTTP/2 handler", () => {
  let client: KinesisClient;
  beforeAll(() => {
    client = kinesisClient(tributary.endpoint);
  });
  afterAll(() => client.destroy());

  it("pushes records as they are put (latency printed), and resumes from ContinuationSequenceNumber", async () => {
    const { name, consumerArn } = await streamWithConsumer(client, "push");
    const sub = await Subscription.open(client, consumerArn, "shardId-000000000000", { Type: "LATEST" });
    const latenciesMs: number[] = [];
    let continuation = "";
    for (let i = 0; i < 20; i++) {
      const started = performance.now();
      const received = sub.records(1);
      await client.send(new PutRecordCommand({ StreamName: name, PartitionKey: "k", Data: bytes(`live-${i}`) }));
      const { data, events } = await received;
      latenciesMs.push(performance.now() - started);
      expect(data).toEqual([`live-${i}`]);
      const last = events[events.length - 1]!;
      expect(last.MillisBehindLatest).toBeTypeOf("number");
      expect(last.ContinuationSequenceNumber).toMatch(/^\d+$/);
      continuation = last.ContinuationSequenceNumber!;
    }
    // The SDK consumes the initial-response event itself: only SubscribeToShardEvent reaches the caller.
    expect(sub.skipped).toEqual([]);
    const sorted = [...latenciesMs].sort((a, b) => a - b);
    const pct = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!.toFixed(2);
    console.log(`SubscribeToShard put-to-event latency over HTTP/2 (ms, ${sorted.length} puts, put issued -> event received): min ${pct(0)} median ${pct(0.5)} p95 ${pct(0.95)} max ${pct(1)}`);
    sub.close();

    for (let i = 0; i < 3; i++) await client.send(new PutRecordCommand({ StreamName: name, PartitionKey: "k", Data: bytes(`later-${i}`) }));
    // The closed session is released as the server notices the reset; a new call then resumes after the continuation.
    let resumed: Subscription | undefined;
    await waitUntil(async () => {
      const attempt = await Subscription.open(client, consumerArn, "shardId-000000000000", { Type: "AFTER_SEQUENCE_NUMBER", SequenceNumber: continuation }).catch((e: unknown) => {
        if ((e as { name?: string }).name === "ResourceInUseException") return undefined;
        throw e;
      });
      resumed = attempt;
      return attempt !== undefined;
    }, "the old session to be released", 2_000);
    expect((await resumed!.records(3)).data).toEqual(["later-0", "later-1", "later-2"]);
    resumed!.close();
    // Closing from the client ends the session on the server too.
    await waitUntil(async () => tributary.server.streams.subscriptions.activeSessions === 0, "the server to end the session", 5_000);
  });

  it("starts at TRIM_HORIZON, AT_SEQUENCE_NUMBER and AT_TIMESTAMP, and ends with ChildShards after a split", async () => {
    const { name, consumerArn } = await streamWithConsumer(client, "split", 1);
    const puts: string[] = [];
    for (let i = 0; i < 4; i++) puts.push((await client.send(new PutRecordCommand({ StreamName: name, PartitionKey: "k", Data: bytes(`r${i}`) }))).SequenceNumber!);

    const atSeq = await Subscription.open(client, consumerArn, "shardId-000000000000", { Type: "AT_SEQUENCE_NUMBER", SequenceNumber: puts[2] });
    expect((await atSeq.records(2)).data).toEqual(["r2", "r3"]);
    atSeq.close();

    // A second consumer, so these sessions are not refused as repeats of the one above.
    const { Consumer } = await client.send(new RegisterStreamConsumerCommand({ StreamARN: streamArn(name), ConsumerName: "second" }));
    await waitUntil(async () => (await client.send(new DescribeStreamConsumerCommand({ ConsumerARN: Consumer!.ConsumerARN }))).ConsumerDescription?.ConsumerStatus === "ACTIVE", "consumer");
    const atTime = await Subscription.open(client, Consumer!.ConsumerARN!, "shardId-000000000000", { Type: "AT_TIMESTAMP", Timestamp: new Date(0) });
    expect((await atTime.records(4)).data).toEqual(["r0", "r1", "r2", "r3"]);
    atTime.close();

    const { Consumer: third } = await client.send(new RegisterStreamConsumerCommand({ StreamARN: streamArn(name), ConsumerName: "third" }));
    await waitUntil(async () => (await client.send(new DescribeStreamConsumerCommand({ ConsumerARN: third!.ConsumerARN }))).ConsumerDescription?.ConsumerStatus === "ACTIVE", "consumer");
    const sub = await Subscription.open(client, third!.ConsumerARN!, "shardId-000000000000", { Type: "TRIM_HORIZON" });
    expect((await sub.records(4)).data).toEqual(["r0", "r1", "r2", "r3"]);
    await client.send(new SplitShardCommand({ StreamName: name, ShardToSplit: "shardId-000000000000", NewStartingHashKey: (1n << 127n).toString() }));
    let last: SubscribeToShardEvent | undefined;
    for (;;) {
      const event = await sub.next();
      if (!event) break;
      last = event;
    }
    expect(last?.ChildShards?.map((c) => c.ShardId)).toEqual(["shardId-000000000001", "shardId-000000000002"]);
    expect(last?.ChildShards?.[0]).toMatchObject({ ParentShards: ["shardId-000000000000"], HashKeyRange: { StartingHashKey: "0", EndingHashKey: ((1n << 127n) - 1n).toString() } });
    expect(last?.Records).toEqual([]);

    // A subscription that starts on the already closed parent gets its records, then the same end.
    const { Consumer: late } = await client.send(new RegisterStreamConsumerCommand({ StreamARN: streamArn(name), ConsumerName: "late" }));
    await waitUntil(async () => (await client.send(new DescribeStreamConsumerCommand({ ConsumerARN: late!.ConsumerARN }))).ConsumerDescription?.ConsumerStatus === "ACTIVE", "consumer");
    const closed = await Subscription.open(client, late!.ConsumerARN!, "shardId-000000000000", { Type: "TRIM_HORIZON" });
    const events: SubscribeToShardEvent[] = [];
    for (let event = await closed.next(); event; event = await closed.next()) events.push(event);
    expect(events.flatMap((e) => (e.Records ?? []).map((r) => text(r.Data)))).toEqual(["r0", "r1", "r2", "r3"]);
    expect(events[events.length - 1]?.ChildShards?.map((c) => c.ShardId)).toEqual(["shardId-000000000001", "shardId-000000000002"]);
  });

  it("refuses unknown consumers and shards before streaming", async () => {
    const { name, consumerArn } = await streamWithConsumer(client, "refuse");
    const unknownShard = await errorOf(client.send(new SubscribeToShardCommand({ ConsumerARN: consumerArn, ShardId: "shardId-000000000009", StartingPosition: { Type: "LATEST" } })));
    expect(unknownShard).toMatchObject({ name: "ResourceNotFoundException", message: `Shard shardId-000000000009 in stream ${name} under account ${ACCOUNT} does not exist` });
    const unknownConsumer = await errorOf(
      client.send(new SubscribeToShardCommand({ ConsumerARN: `${streamArn(name)}/consumer/ghost:1700000000`, ShardId: "shardId-000000000000", StartingPosition: { Type: "LATEST" } })),
    );
    expect(unknownConsumer.name).toBe("ResourceNotFoundException");
    const noSequence = await errorOf(client.send(new SubscribeToShardCommand({ ConsumerARN: consumerArn, ShardId: "shardId-000000000000", StartingPosition: { Type: "AT_SEQUENCE_NUMBER" } })));
    expect(noSequence.name).toBe("InvalidArgumentException");
  });

  it("ends a subscription when its consumer is deregistered", async () => {
    const { consumerArn } = await streamWithConsumer(client, "dereg");
    const sub = await Subscription.open(client, consumerArn, "shardId-000000000000", { Type: "LATEST" });
    const ended = (async () => {
      try {
        while (await sub.next());
        return "completed";
      } catch (error) {
        return (error as { name?: string }).name;
      }
    })();
    await client.send(new DeregisterStreamConsumerCommand({ ConsumerARN: consumerArn }));
    expect(await ended).toBe("ResourceInUseException");
  });
});

describe("SubscribeToShard over the SDK with an HTTP/1.1 handler (chunked event stream)", () => {
  it("receives the records put after subscribing", async () => {
    const client = kinesisClient(tributary.endpoint, { handler: "http1" });
    const { name, consumerArn } = await streamWithConsumer(client, "h1sub");
    const sub = await Subscription.open(client, consumerArn, "shardId-000000000000", { Type: "LATEST" });
    const received = sub.records(3);
    for (let i = 0; i < 3; i++) await client.send(new PutRecordCommand({ StreamName: name, PartitionKey: "k", Data: bytes(`h1-${i}`) }));
    expect((await received).data).toEqual(["h1-0", "h1-1", "h1-2"]);
    sub.close();
    client.destroy();
  });
});

describe("consumer states with non-zero transition durations", () => {
  // On a virtual clock, so each state holds until the test moves time on.
  const TRANSITION_MS = 500;
  const slowClock = new VirtualClock(Date.now());
  const slow = useTributary({ transitionMs: TRANSITION_MS, clock: slowClock });

  it("goes CREATING -> ACTIVE -> DELETING -> gone; SubscribeToShard needs ACTIVE", async () => {
    const client = kinesisClient(slow.endpoint);
    const name = uniqueName("slow-consumer");
    await client.send(new CreateStreamCommand({ StreamName: name, ShardCount: 1 }));
    slowClock.advance(TRANSITION_MS);
    await waitForActive(client, name);
    const { Consumer } = await client.send(new RegisterStreamConsumerCommand({ StreamARN: streamArn(name), ConsumerName: "c" }));
    expect(Consumer?.ConsumerStatus).toBe("CREATING");
    const status = async () => (await client.send(new DescribeStreamConsumerCommand({ ConsumerARN: Consumer!.ConsumerARN }))).ConsumerDescription?.ConsumerStatus;
    expect(await status()).toBe("CREATING");
    const early = await errorOf(client.send(new SubscribeToShardCommand({ ConsumerARN: Consumer!.ConsumerARN, ShardId: "shardId-000000000000", StartingPosition: { Type: "LATEST" } })));
    expect(early.name).toBe("ResourceInUseException");
    slowClock.advance(TRANSITION_MS);
    await waitUntil(async () => (await status()) === "ACTIVE", "consumer ACTIVE");
    await client.send(new DeregisterStreamConsumerCommand({ ConsumerARN: Consumer!.ConsumerARN }));
    expect(await status()).toBe("DELETING");
    slowClock.advance(TRANSITION_MS);
    await waitUntil(async () => (await errorOf(client.send(new DescribeStreamConsumerCommand({ ConsumerARN: Consumer!.ConsumerARN }))).catch(() => ({ name: "exists" }))).name === "ResourceNotFoundException", "consumer gone");
    client.destroy();
  });
});

describe("SubscribeToShard takeover (virtual clock)", () => {
  const clock = new VirtualClock(Date.now());
  const t = useTributary({ clock });

  it("refuses a second subscription within 5 s, and after 5 s the new one takes over with an exception event to the old", async () => {
    const client = kinesisClient(t.endpoint);
    const { name, consumerArn } = await streamWithConsumer(client, "takeover");
    const first = await Subscription.open(client, consumerArn, "shardId-000000000000", { Type: "LATEST" });
    const firstEnd = (async () => {
      const data: string[] = [];
      try {
        for (;;) {
          const event = await first.next();
          if (!event) return { data, error: "completed" };
          data.push(...(event.Records ?? []).map((r) => text(r.Data)));
        }
      } catch (error) {
        const e = error as { name?: string; message?: string };
        return { data, error: e.name, message: e.message };
      }
    })();
    await client.send(new PutRecordCommand({ StreamName: name, PartitionKey: "k", Data: bytes("to-first") }));

    clock.advance(4_000);
    const refused = await errorOf(client.send(new SubscribeToShardCommand({ ConsumerARN: consumerArn, ShardId: "shardId-000000000000", StartingPosition: { Type: "LATEST" } })));
    expect(refused.name).toBe("ResourceInUseException");
    expect(refused.message).toBe(`Another active subscription exists for this consumer: ${ACCOUNT}:${name}:shardId-000000000000:app`);

    clock.advance(1_001);
    const second = await Subscription.open(client, consumerArn, "shardId-000000000000", { Type: "LATEST" });
    const old = await firstEnd;
    expect(old.data).toContain("to-first");
    expect(old.error).toBe("ResourceInUseException");
    await client.send(new PutRecordCommand({ StreamName: name, PartitionKey: "k", Data: bytes("to-second") }));
    expect((await second.records(1)).data).toEqual(["to-second"]);
    second.close();
    client.destroy();
  });
});

/**
 * Enhanced fan-out limits through @aws-sdk/client-kinesis (HTTP/2, maxAttempts 1) on a VirtualClock:
 * SubscribeToShard's one call per second per consumer and shard, and 2 MiB/s per consumer and shard
 * (events are paced on the server's clock). With --limits off neither applies.
 */
import {
  CreateStreamCommand,
  PutRecordCommand,
  RegisterStreamConsumerCommand,
  SubscribeToShardCommand,
  type KinesisClient,
  type SubscribeToShardEvent,
  type SubscribeToShardEventStream,
} from "@aws-sdk/client-kinesis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { VirtualClock } from "../src/core/clock.js";
import { errorOf, kinesisClient, startTestTributary, uniqueName } from "./helpers/tributary.js";

const MiB = 1024 * 1024;
const SHARD = "shardId-000000000000";

/** Collects a subscription's record-carrying events in the background. */
function collect(stream: AsyncIterable<SubscribeToShardEventStream>): { events: SubscribeToShardEvent[]; done: Promise<void> } {
  const events: SubscribeToShardEvent[] = [];
  const done = (async () => {
    try {
      for await (const item of stream) if (item.SubscribeToShardEvent && (item.SubscribeToShardEvent.Records?.length ?? 0) > 0) events.push(item.SubscribeToShardEvent);
    } catch {
      // aborted by the test
    }
  })();
  return { events, done };
}

const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await settle(5);
  }
}

describe.each(["aws", "off"] as const)("enhanced fan-out limits with --limits %s", (limits) => {
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

  const streamWithConsumer = async (): Promise<{ name: string; consumerArn: string }> => {
    const name = uniqueName(`efo-${limits}`);
    await client.send(new CreateStreamCommand({ StreamName: name, ShardCount: 1 }));
    const { Consumer } = await client.send(new RegisterStreamConsumerCommand({ StreamARN: `arn:aws:kinesis:us-east-1:000000000000:stream/${name}`, ConsumerName: "c" }));
    clock.advance(1000);
    return { name, consumerArn: Consumer!.ConsumerARN! };
  };

  it("allows one SubscribeToShard per second per consumer and shard (LimitExceededException), then the 5-second takeover rule", async () => {
    const { consumerArn } = await streamWithConsumer();
    const subscribe = (signal?: AbortSignal) =>
      client.send(new SubscribeToShardCommand({ ConsumerARN: consumerArn, ShardId: SHARD, StartingPosition: { Type: "LATEST" } }), signal ? { abortSignal: signal } : {});
    const first = new AbortController();
    const opened = await subscribe(first.signal);
    const { done } = collect(opened.EventStream!);
    const second = await errorOf(subscribe());
    if (enforced) {
      expect(second).toEqual({ name: "LimitExceededException", message: `Rate exceeded for consumer ${consumerArn} and shard ${SHARD}.`, status: 400 });
      clock.advance(1000);
      expect((await errorOf(subscribe())).name).toBe("ResourceInUseException");
    } else {
      expect(second.name).toBe("ResourceInUseException");
    }
    first.abort();
    await done;
  });

  it("paces events to 2 MiB per second per consumer and shard", async () => {
    const { name, consumerArn } = await streamWithConsumer();
    // 4 MiB of records, written within the write limit (1 MiB per second).
    for (let i = 0; i < 4; i++) {
      await client.send(new PutRecordCommand({ StreamName: name, PartitionKey: "k", Data: new Uint8Array(MiB - 1) }));
      clock.advance(1000);
    }
    const controller = new AbortController();
    const out = await client.send(
      new SubscribeToShardCommand({ ConsumerARN: consumerArn, ShardId: SHARD, StartingPosition: { Type: "TRIM_HORIZON" } }),
      { abortSignal: controller.signal },
    );
    const { events, done } = collect(out.EventStream!);
    const received = () => events.reduce((n, e) => n + (e.Records?.length ?? 0), 0);
    await waitFor(() => received() >= 2, "the first 2 MiB");
    await settle(100);
    if (enforced) {
      expect(received()).toBe(2); // the next event waits a second of the server's clock
      clock.advance(999);
      await settle(50);
      expect(received()).toBe(2);
      clock.advance(1);
      await waitFor(() => received() === 4, "the next 2 MiB");
    } else {
      expect(received()).toBe(4);
    }
    controller.abort();
    await done;
  });
});

/**
 * Control-plane limits through @aws-sdk/client-kinesis (HTTP/2, maxAttempts 1) on a VirtualClock:
 * call rates, the account shard limit, UpdateShardCount's quotas, mode switches per day, and how many
 * streams and consumers may be CREATING at once; each at its bound and one past it with --limits aws,
 * and the same calls succeeding with --limits off.
 */
import {
  CreateStreamCommand,
  DescribeLimitsCommand,
  DescribeStreamCommand,
  ListStreamConsumersCommand,
  ListStreamsCommand,
  RegisterStreamConsumerCommand,
  UpdateShardCountCommand,
  UpdateStreamModeCommand,
  type KinesisClient,
} from "@aws-sdk/client-kinesis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { VirtualClock } from "../src/core/clock.js";
import { effectiveShardLimit, loadConfig } from "../src/core/config.js";
import { errorOf, kinesisClient, startTestTributary, streamArn, uniqueName } from "./helpers/tributary.js";

const ACCOUNT = "000000000000";
const DAY_MS = 24 * 3_600_000;

function useServer(limits: "aws" | "off", transitionMs: number) {
  const clock = new VirtualClock(Date.now());
  const handle: { client: KinesisClient; clock: VirtualClock; endpoint: string } = { client: undefined as unknown as KinesisClient, clock, endpoint: "" };
  let stop: () => Promise<void>;
  beforeAll(async () => {
    const started = await startTestTributary({ clock, transitionMs, config: { limits } });
    stop = started.cleanup;
    handle.client = kinesisClient(started.server.endpoint);
    handle.endpoint = started.server.endpoint;
  });
  afterAll(async () => {
    handle.client.destroy();
    await stop();
  });
  return handle;
}

describe.each(["aws", "off"] as const)("control-plane limits with --limits %s", (limits) => {
  const enforced = limits === "aws";
  const server = useServer(limits, 0);
  const create = async (shards = 2): Promise<string> => {
    const name = uniqueName(`cp-${limits}`);
    await server.client.send(new CreateStreamCommand({ StreamName: name, ShardCount: shards }));
    server.clock.advance(1000);
    return name;
  };

  it("limits calls per second per account (DescribeStream 10, ListStreams 5, DescribeLimits 1) with LimitExceededException", async () => {
    const { client, clock } = server;
    const name = await create(1);
    const cases: { calls: number; send: () => Promise<unknown>; message: string }[] = [
      { calls: 10, send: () => client.send(new DescribeStreamCommand({ StreamName: name })), message: `Rate exceeded for stream ${name} under account ${ACCOUNT}.` },
      { calls: 5, send: () => client.send(new ListStreamsCommand({})), message: `Rate exceeded for account ${ACCOUNT}.` },
      { calls: 1, send: () => client.send(new DescribeLimitsCommand({})), message: `Rate exceeded for account ${ACCOUNT}.` },
    ];
    for (const { calls, send, message } of cases) {
      for (let i = 0; i < calls; i++) await send();
      if (enforced) expect(await errorOf(send())).toEqual({ name: "LimitExceededException", message, status: 400 });
      else await send();
      clock.advance(1000);
      await send();
    }
  });

  it("limits per-stream calls per stream (ListStreamConsumers: 5 per second each)", async () => {
    const { client, clock } = server;
    const [a, b] = [await create(1), await create(1)];
    const list = (stream: string) => client.send(new ListStreamConsumersCommand({ StreamARN: streamArn(stream) }));
    for (let i = 0; i < 5; i++) await list(a);
    if (enforced) expect((await errorOf(list(a))).name).toBe("LimitExceededException");
    await list(b);
    clock.advance(1000);
  });

  it("reports and enforces the account shard limit (500 in aws mode unless --shard-limit is given)", async () => {
    const { client, clock } = server;
    const reported = await client.send(new DescribeLimitsCommand({}));
    expect(reported.ShardLimit).toBe(enforced ? 500 : 20_000);
    clock.advance(1000);
    const room = reported.ShardLimit! - reported.OpenShardCount!;
    const tooMany = await errorOf(client.send(new CreateStreamCommand({ StreamName: uniqueName("big"), ShardCount: room + 1 })));
    expect(tooMany.name).toBe("LimitExceededException");
    expect(tooMany.message).toContain(`Limit: ${reported.ShardLimit}. Number of additional shards that would have resulted from this request: ${room + 1}.`);
    clock.advance(1000);
    expect(effectiveShardLimit(loadConfig(["--limits", "aws"], {}))).toBe(500);
    expect(effectiveShardLimit(loadConfig(["--limits", "aws", "--shard-limit", "42"], {}))).toBe(42);
    expect(effectiveShardLimit(loadConfig([], { TRIBUTARY_LIMITS: "aws", SHARD_LIMIT: "7" }))).toBe(7);
  });

  it("applies UpdateShardCount's quotas: at most double, at least half, 10 per rolling 24 hours", async () => {
    const { client, clock } = server;
    const name = await create(2);
    const scale = (target: number) => client.send(new UpdateShardCountCommand({ StreamName: name, TargetShardCount: target, ScalingType: "UNIFORM_SCALING" }));
    if (enforced) {
      expect(await errorOf(scale(5))).toEqual({
        name: "LimitExceededException",
        message: "UpdateShardCount cannot scale up over double your current open shard count. Current open shard count: 2, Target shard count: 5",
        status: 400,
      });
    }
    await scale(4); // exactly double
    if (enforced) {
      expect(await errorOf(scale(1))).toEqual({
        name: "LimitExceededException",
        message: "UpdateShardCount cannot scale down below half your current open shard count. Current open shard count: 4, Target shard count: 1",
        status: 400,
      });
    }
    await scale(2); // exactly half
    for (let i = 0; i < 8; i++) {
      clock.advance(1000); // stay under UpdateShardCount's 10 calls per second
      await scale(i % 2 === 0 ? 3 : 2); // ten in all
    }
    const eleventh = scale(3);
    if (!enforced) return void (await eleventh);
    expect(await errorOf(eleventh)).toEqual({ name: "LimitExceededException", message: `Rate exceeded for stream ${name} under account ${ACCOUNT}.`, status: 400 });
    clock.advance(DAY_MS);
    await scale(3);
  });

  it("allows two capacity-mode switches per rolling 24 hours", async () => {
    const { client, clock } = server;
    const name = await create(1);
    const switchTo = (mode: "ON_DEMAND" | "PROVISIONED") => client.send(new UpdateStreamModeCommand({ StreamARN: streamArn(name), StreamModeDetails: { StreamMode: mode } }));
    await switchTo("ON_DEMAND");
    await switchTo("PROVISIONED");
    const third = switchTo("ON_DEMAND");
    if (!enforced) return void (await third);
    expect(await errorOf(third)).toEqual({ name: "LimitExceededException", message: `Rate exceeded for stream ${name} under account ${ACCOUNT}.`, status: 400 });
    clock.advance(DAY_MS);
    await switchTo("ON_DEMAND");
  });
});

describe.each(["aws", "off"] as const)("streams and consumers in CREATING with --limits %s", (limits) => {
  const enforced = limits === "aws";
  const TRANSITION_MS = 60_000;
  const server = useServer(limits, TRANSITION_MS);

  it("allows 5 streams CREATING (or DELETING) at once", async () => {
    const { client, clock } = server;
    const createOne = () => client.send(new CreateStreamCommand({ StreamName: uniqueName(`creating-${limits}`), ShardCount: 1 }));
    for (let i = 0; i < 5; i++) {
      await createOne();
      clock.advance(1000); // stay under CreateStream's 5 calls per second
    }
    const sixth = createOne();
    if (!enforced) return void (await sixth);
    expect(await errorOf(sixth)).toEqual({
      name: "LimitExceededException",
      message: `This request would exceed the limit on the number of streams that can simultaneously be in CREATING or DELETING for account ${ACCOUNT}. Limit: 5`,
      status: 400,
    });
    clock.advance(TRANSITION_MS);
    await createOne();
    clock.advance(TRANSITION_MS);
  });

  it("allows 5 consumers CREATING at once", async () => {
    const { client, clock } = server;
    const name = uniqueName(`consumers-${limits}`);
    await client.send(new CreateStreamCommand({ StreamName: name, ShardCount: 1 }));
    clock.advance(TRANSITION_MS);
    let n = 0;
    const register = () => client.send(new RegisterStreamConsumerCommand({ StreamARN: streamArn(name), ConsumerName: `c${n++}` }));
    for (let i = 0; i < 5; i++) {
      await register();
      clock.advance(1000);
    }
    const sixth = register();
    if (!enforced) return void (await sixth);
    expect(await errorOf(sixth)).toEqual({
      name: "LimitExceededException",
      message: `This request would exceed the limit on the number of consumers that can simultaneously be in CREATING state for account ${ACCOUNT}. Limit: 5`,
      status: 400,
    });
    clock.advance(TRANSITION_MS);
    await register();
  });
});

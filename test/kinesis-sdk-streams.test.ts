/**
 * Stream control plane through @aws-sdk/client-kinesis v3, once with its default HTTP/2 handler and once
 * with an HTTP/1.1 NodeHttpHandler: lifecycle, listing and paging, retention, tags, policies,
 * encryption, monitoring, limits, account settings, warm throughput, modes, StreamARN, isolation.
 */
import {
  AddTagsToStreamCommand,
  UpdateMaxRecordSizeCommand,
  RegisterStreamConsumerCommand,
  PutRecordsCommand,
  MergeShardsCommand,
  ListStreamConsumersCommand,
  GetShardIteratorCommand,
  GetRecordsCommand,
  DescribeStreamConsumerCommand,
  DeregisterStreamConsumerCommand,
  CreateStreamCommand,
  DecreaseStreamRetentionPeriodCommand,
  DeleteResourcePolicyCommand,
  DeleteStreamCommand,
  DescribeAccountSettingsCommand,
  DescribeLimitsCommand,
  DescribeStreamCommand,
  DescribeStreamSummaryCommand,
  DisableEnhancedMonitoringCommand,
  EnableEnhancedMonitoringCommand,
  GetResourcePolicyCommand,
  IncreaseStreamRetentionPeriodCommand,
  ListShardsCommand,
  ListStreamsCommand,
  ListTagsForResourceCommand,
  ListTagsForStreamCommand,
  PutRecordCommand,
  PutResourcePolicyCommand,
  RemoveTagsFromStreamCommand,
  SplitShardCommand,
  StartStreamEncryptionCommand,
  StopStreamEncryptionCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateAccountSettingsCommand,
  UpdateShardCountCommand,
  UpdateStreamModeCommand,
  UpdateStreamWarmThroughputCommand,
  type KinesisClient,
} from "@aws-sdk/client-kinesis";
import { readFileSync } from "node:fs";
import { VirtualClock } from "../src/core/clock.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { errorOf, HANDLER_KINDS, kinesisClient, streamArn, uniqueName, useTributary, waitForActive, waitUntil } from "./helpers/tributary.js";

const tributary = useTributary();

describe.each(HANDLER_KINDS)("stream control plane over %s", (handler) => {
  let client: KinesisClient;
  beforeAll(() => {
    client = kinesisClient(tributary.endpoint, { handler });
  });
  afterAll(() => client.destroy());

  const create = async (shards = 2): Promise<string> => {
    const name = uniqueName(`s-${handler}`);
    await client.send(new CreateStreamCommand({ StreamName: name, ShardCount: shards }));
    await waitForActive(client, name);
    return name;
  };

  it("creates, describes and deletes a stream; errors name the stream and account", async () => {
    const name = uniqueName(`life-${handler}`);
    await client.send(new CreateStreamCommand({ StreamName: name, ShardCount: 3 }));
    const again = await errorOf(client.send(new CreateStreamCommand({ StreamName: name, ShardCount: 3 })));
    expect(again).toMatchObject({ name: "ResourceInUseException", message: `Stream ${name} under account 000000000000 already exists.`, status: 400 });
    await waitForActive(client, name);

    const { StreamDescriptionSummary: s } = await client.send(new DescribeStreamSummaryCommand({ StreamName: name }));
    expect(s).toMatchObject({
      StreamName: name,
      StreamARN: streamArn(name),
      StreamStatus: "ACTIVE",
      StreamModeDetails: { StreamMode: "PROVISIONED" },
      RetentionPeriodHours: 24,
      EncryptionType: "NONE",
      OpenShardCount: 3,
      ConsumerCount: 0,
      EnhancedMonitoring: [{ ShardLevelMetrics: [] }],
    });
    expect(s?.StreamCreationTimestamp).toBeInstanceOf(Date);
    expect(Math.abs(s!.StreamCreationTimestamp!.getTime() - Date.now())).toBeLessThan(60_000);

    const { StreamDescription: d } = await client.send(new DescribeStreamCommand({ StreamName: name }));
    expect(d?.Shards?.map((x) => x.ShardId)).toEqual(["shardId-000000000000", "shardId-000000000001", "shardId-000000000002"]);
    // AWS's even split for 3 shards (reference §6).
    expect(d?.Shards?.map((x) => [x.HashKeyRange?.StartingHashKey, x.HashKeyRange?.EndingHashKey])).toEqual([
      ["0", "113427455640312821154458202477256070484"],
      ["113427455640312821154458202477256070485", "226854911280625642308916404954512140969"],
      ["226854911280625642308916404954512140970", "340282366920938463463374607431768211455"],
    ]);
    expect(d?.Shards?.[0]?.SequenceNumberRange?.StartingSequenceNumber).toMatch(/^49\d{54}$/);
    expect(d?.HasMoreShards).toBe(false);

    await client.send(new DeleteStreamCommand({ StreamName: name }));
    const gone = await errorOf(client.send(new DescribeStreamSummaryCommand({ StreamName: name })));
    expect(gone).toMatchObject({ name: "ResourceNotFoundException", message: `Stream ${name} under account 000000000000 not found.` });
    const deleteAgain = await errorOf(client.send(new DeleteStreamCommand({ StreamName: name })));
    expect(deleteAgain.name).toBe("ResourceNotFoundException");
  });

  it("creates on-demand streams with 4 shards and rejects ShardCount with on-demand", async () => {
    const name = uniqueName(`od-${handler}`);
    await client.send(new CreateStreamCommand({ StreamName: name, StreamModeDetails: { StreamMode: "ON_DEMAND" } }));
    await waitForActive(client, name);
    const { StreamDescriptionSummary: s } = await client.send(new DescribeStreamSummaryCommand({ StreamName: name }));
    expect(s?.StreamModeDetails?.StreamMode).toBe("ON_DEMAND");
    expect(s?.OpenShardCount).toBe(4);
    const noShards = await errorOf(client.send(new CreateStreamCommand({ StreamName: uniqueName("x") })));
    expect(noShards.name).toBe("InvalidArgumentException");
    await client.send(new DeleteStreamCommand({ StreamName: name }));
  });

  it("pages ListStreams with Limit, ExclusiveStartStreamName and NextToken", async () => {
    const prefix = uniqueName(`ls-${handler}`);
    const region = handler === "http2" ? "eu-north-1" : "eu-south-1"; // a region of its own, so the list is exactly ours
    const c = kinesisClient(tributary.endpoint, { handler, region });
    const names = ["a", "b", "c", "d", "e"].map((x) => `${prefix}-${x}`);
    for (const n of names) await c.send(new CreateStreamCommand({ StreamName: n, ShardCount: 1 }));
    const all = await c.send(new ListStreamsCommand({}));
    expect(all.StreamNames).toEqual(names);
    expect(all.HasMoreStreams).toBe(false);
    expect(all.StreamSummaries?.map((x) => x.StreamARN)).toEqual(names.map((n) => streamArn(n, "000000000000", region)));
    expect(all.StreamSummaries?.[0]).toMatchObject({ StreamStatus: "ACTIVE", StreamModeDetails: { StreamMode: "PROVISIONED" } });

    const first = await c.send(new ListStreamsCommand({ Limit: 2 }));
    expect(first.StreamNames).toEqual(names.slice(0, 2));
    expect(first.HasMoreStreams).toBe(true);
    expect(first.NextToken).toBeTruthy();
    const second = await c.send(new ListStreamsCommand({ NextToken: first.NextToken, Limit: 2 }));
    expect(second.StreamNames).toEqual(names.slice(2, 4));
    const third = await c.send(new ListStreamsCommand({ NextToken: second.NextToken, Limit: 2 }));
    expect(third.StreamNames).toEqual(names.slice(4));
    expect(third.HasMoreStreams).toBe(false);
    expect(third.NextToken).toBeUndefined();

    const after = await c.send(new ListStreamsCommand({ ExclusiveStartStreamName: names[2] }));
    expect(after.StreamNames).toEqual(names.slice(3));

    const big = await errorOf(c.send(new ListStreamsCommand({ Limit: 10001 })));
    expect(big).toMatchObject({
      name: "ValidationException",
      message: "1 validation error detected: Value '10001' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 10000",
    });
    expect((await c.send(new ListStreamsCommand({ Limit: 10000 }))).StreamNames).toHaveLength(5);
    const badToken = await errorOf(c.send(new ListStreamsCommand({ NextToken: "not-a-token" })));
    expect(badToken.name).toBe("InvalidArgumentException");
    for (const n of names) await c.send(new DeleteStreamCommand({ StreamName: n }));
    c.destroy();
  });

  it("pages DescribeStream with Limit and ExclusiveStartShardId", async () => {
    const name = await create(5);
    const page1 = await client.send(new DescribeStreamCommand({ StreamName: name, Limit: 2 }));
    expect(page1.StreamDescription?.Shards?.map((s) => s.ShardId)).toEqual(["shardId-000000000000", "shardId-000000000001"]);
    expect(page1.StreamDescription?.HasMoreShards).toBe(true);
    const page2 = await client.send(new DescribeStreamCommand({ StreamName: name, Limit: 2, ExclusiveStartShardId: "shardId-000000000001" }));
    expect(page2.StreamDescription?.Shards?.map((s) => s.ShardId)).toEqual(["shardId-000000000002", "shardId-000000000003"]);
    const page3 = await client.send(new DescribeStreamCommand({ StreamName: name, ExclusiveStartShardId: "shardId-000000000003" }));
    expect(page3.StreamDescription?.Shards?.map((s) => s.ShardId)).toEqual(["shardId-000000000004"]);
    expect(page3.StreamDescription?.HasMoreShards).toBe(false);
    const tooMany = await errorOf(client.send(new DescribeStreamCommand({ StreamName: name, Limit: 10001 })));
    expect(tooMany.name).toBe("ValidationException");
    expect((await client.send(new DescribeStreamCommand({ StreamName: name, Limit: 10000 }))).StreamDescription?.Shards).toHaveLength(5);
  });

  it("pages ListShards with MaxResults, NextToken and ExclusiveStartShardId, and checks their combinations", async () => {
    const name = await create(5);
    const first = await client.send(new ListShardsCommand({ StreamName: name, MaxResults: 2 }));
    expect(first.Shards?.map((s) => s.ShardId)).toEqual(["shardId-000000000000", "shardId-000000000001"]);
    expect(first.NextToken).toBeTruthy();
    const second = await client.send(new ListShardsCommand({ NextToken: first.NextToken, MaxResults: 2 }));
    expect(second.Shards?.map((s) => s.ShardId)).toEqual(["shardId-000000000002", "shardId-000000000003"]);
    const third = await client.send(new ListShardsCommand({ NextToken: second.NextToken }));
    expect(third.Shards?.map((s) => s.ShardId)).toEqual(["shardId-000000000004"]);
    expect(third.NextToken).toBeUndefined();

    const after = await client.send(new ListShardsCommand({ StreamName: name, ExclusiveStartShardId: "shardId-000000000002" }));
    expect(after.Shards?.map((s) => s.ShardId)).toEqual(["shardId-000000000003", "shardId-000000000004"]);
    const byArn = await client.send(new ListShardsCommand({ StreamARN: streamArn(name) }));
    expect(byArn.Shards).toHaveLength(5);

    expect((await client.send(new ListShardsCommand({ StreamName: name, MaxResults: 10000 }))).Shards).toHaveLength(5);
    const past = await errorOf(client.send(new ListShardsCommand({ StreamName: name, MaxResults: 10001 })));
    expect(past).toMatchObject({
      name: "ValidationException",
      message: "1 validation error detected: Value '10001' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 10000",
    });
    const both = await errorOf(client.send(new ListShardsCommand({ StreamName: name, NextToken: first.NextToken })));
    expect(both).toMatchObject({ name: "InvalidArgumentException", message: "NextToken and StreamName cannot be provided together." });
    const neither = await errorOf(client.send(new ListShardsCommand({})));
    expect(neither.name).toBe("InvalidArgumentException");
    const wrongCreation = await errorOf(client.send(new ListShardsCommand({ StreamName: name, StreamCreationTimestamp: new Date(1_000_000) })));
    expect(wrongCreation.name).toBe("ResourceNotFoundException");
  });

  it("increases and decreases retention within 24..8760 hours", async () => {
    const name = await create(1);
    await client.send(new IncreaseStreamRetentionPeriodCommand({ StreamName: name, RetentionPeriodHours: 48 }));
    await waitForActive(client, name);
    const read = async () => (await client.send(new DescribeStreamSummaryCommand({ StreamName: name }))).StreamDescriptionSummary?.RetentionPeriodHours;
    expect(await read()).toBe(48);
    const lower = await errorOf(client.send(new IncreaseStreamRetentionPeriodCommand({ StreamName: name, RetentionPeriodHours: 24 })));
    expect(lower.name).toBe("InvalidArgumentException");
    expect(lower.message).toContain("24");
    await client.send(new IncreaseStreamRetentionPeriodCommand({ StreamName: name, RetentionPeriodHours: 8760 }));
    await waitForActive(client, name);
    const tooLong = await errorOf(client.send(new IncreaseStreamRetentionPeriodCommand({ StreamName: name, RetentionPeriodHours: 8761 })));
    expect(tooLong.name).toMatch(/InvalidArgumentException|ValidationException/);
    const higher = await errorOf(client.send(new DecreaseStreamRetentionPeriodCommand({ StreamName: name, RetentionPeriodHours: 9000 })));
    expect(higher.name).toMatch(/InvalidArgumentException|ValidationException/);
    await client.send(new DecreaseStreamRetentionPeriodCommand({ StreamName: name, RetentionPeriodHours: 24 }));
    await waitForActive(client, name);
    expect(await read()).toBe(24);
    const tooShort = await errorOf(client.send(new DecreaseStreamRetentionPeriodCommand({ StreamName: name, RetentionPeriodHours: 23 })));
    expect(tooShort.name).toMatch(/InvalidArgumentException|ValidationException/);
  });

  it("tags streams with both tagging APIs", async () => {
    const name = await create(1);
    const arn = streamArn(name);
    await client.send(new AddTagsToStreamCommand({ StreamName: name, Tags: { team: "data", env: "test" } }));
    const listed = await client.send(new ListTagsForStreamCommand({ StreamName: name }));
    expect(listed.Tags).toEqual([
      { Key: "env", Value: "test" },
      { Key: "team", Value: "data" },
    ]);
    expect(listed.HasMoreTags).toBe(false);
    const limited = await client.send(new ListTagsForStreamCommand({ StreamName: name, Limit: 1 }));
    expect(limited.Tags).toEqual([{ Key: "env", Value: "test" }]);
    expect(limited.HasMoreTags).toBe(true);
    const next = await client.send(new ListTagsForStreamCommand({ StreamName: name, ExclusiveStartTagKey: "env" }));
    expect(next.Tags).toEqual([{ Key: "team", Value: "data" }]);

    await client.send(new TagResourceCommand({ ResourceARN: arn, Tags: { owner: "me" } }));
    const byResource = await client.send(new ListTagsForResourceCommand({ ResourceARN: arn }));
    expect(byResource.Tags?.map((t) => t.Key).sort()).toEqual(["env", "owner", "team"]);
    await client.send(new UntagResourceCommand({ ResourceARN: arn, TagKeys: ["owner"] }));
    await client.send(new RemoveTagsFromStreamCommand({ StreamName: name, TagKeys: ["env"] }));
    expect((await client.send(new ListTagsForResourceCommand({ ResourceARN: arn }))).Tags).toEqual([{ Key: "team", Value: "data" }]);

    const eleven = Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`k${i}`, "v"]));
    expect((await errorOf(client.send(new AddTagsToStreamCommand({ StreamName: name, Tags: eleven })))).name).toBe("InvalidArgumentException");
    const reserved = await errorOf(client.send(new TagResourceCommand({ ResourceARN: arn, Tags: { "aws:x": "y" } })));
    expect(reserved.name).toBe("InvalidArgumentException");
    const unknown = await errorOf(client.send(new ListTagsForResourceCommand({ ResourceARN: streamArn("no-such-stream") })));
    expect(unknown.name).toBe("ResourceNotFoundException");
  });

  it("stores, returns and deletes resource policies", async () => {
    const name = await create(1);
    const arn = streamArn(name);
    const policy = JSON.stringify({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::111111111111:root" }, Action: "kinesis:GetRecords", Resource: arn }],
    });
    expect((await client.send(new GetResourcePolicyCommand({ ResourceARN: arn }))).Policy).toBe("{}");
    await client.send(new PutResourcePolicyCommand({ ResourceARN: arn, Policy: policy }));
    expect(JSON.parse((await client.send(new GetResourcePolicyCommand({ ResourceARN: arn }))).Policy ?? "")).toEqual(JSON.parse(policy));
    await client.send(new DeleteResourcePolicyCommand({ ResourceARN: arn }));
    expect((await client.send(new GetResourcePolicyCommand({ ResourceARN: arn }))).Policy).toBe("{}");
    const bad = await errorOf(client.send(new PutResourcePolicyCommand({ ResourceARN: arn, Policy: "not json" })));
    expect(bad.name).toBe("InvalidArgumentException");
  });

  it("starts and stops encryption: state in the description and on put results", async () => {
    const name = await create(1);
    await client.send(new StartStreamEncryptionCommand({ StreamName: name, EncryptionType: "KMS", KeyId: "alias/aws/kinesis" }));
    await waitForActive(client, name);
    const on = await client.send(new DescribeStreamSummaryCommand({ StreamName: name }));
    expect(on.StreamDescriptionSummary).toMatchObject({ EncryptionType: "KMS", KeyId: "alias/aws/kinesis" });
    const put = await client.send(new PutRecordCommand({ StreamName: name, PartitionKey: "k", Data: new Uint8Array([1]) }));
    expect(put.EncryptionType).toBe("KMS");
    await client.send(new StopStreamEncryptionCommand({ StreamName: name, EncryptionType: "KMS", KeyId: "alias/aws/kinesis" }));
    await waitForActive(client, name);
    const off = await client.send(new DescribeStreamSummaryCommand({ StreamName: name }));
    expect(off.StreamDescriptionSummary?.EncryptionType).toBe("NONE");
    expect(off.StreamDescriptionSummary?.KeyId).toBeUndefined();
    const put2 = await client.send(new PutRecordCommand({ StreamName: name, PartitionKey: "k", Data: new Uint8Array([1]) }));
    expect(put2.EncryptionType).toBe("NONE");
    // Each record keeps the encryption it was written with.
    const { ShardIterator } = await client.send(new GetShardIteratorCommand({ StreamName: name, ShardId: "shardId-000000000000", ShardIteratorType: "TRIM_HORIZON" }));
    const read = await client.send(new GetRecordsCommand({ ShardIterator }));
    expect(read.Records?.map((r) => [r.EncryptionType, r.Data?.[0]])).toEqual([
      ["KMS", 1],
      ["NONE", 1],
    ]);
  });

  it("enables and disables enhanced monitoring", async () => {
    const name = await create(1);
    const enabled = await client.send(new EnableEnhancedMonitoringCommand({ StreamName: name, ShardLevelMetrics: ["IncomingBytes", "OutgoingRecords"] }));
    expect(enabled).toMatchObject({ StreamName: name, StreamARN: streamArn(name), CurrentShardLevelMetrics: [] });
    expect(enabled.DesiredShardLevelMetrics?.sort()).toEqual(["IncomingBytes", "OutgoingRecords"]);
    await waitForActive(client, name);
    const all = await client.send(new EnableEnhancedMonitoringCommand({ StreamName: name, ShardLevelMetrics: ["ALL"] }));
    expect(all.DesiredShardLevelMetrics).toHaveLength(7);
    await waitForActive(client, name);
    const disabled = await client.send(new DisableEnhancedMonitoringCommand({ StreamName: name, ShardLevelMetrics: ["ALL"] }));
    expect(disabled.CurrentShardLevelMetrics).toHaveLength(7);
    expect(disabled.DesiredShardLevelMetrics).toEqual([]);
    await waitForActive(client, name);
    const summary = await client.send(new DescribeStreamSummaryCommand({ StreamName: name }));
    expect(summary.StreamDescriptionSummary?.EnhancedMonitoring).toEqual([{ ShardLevelMetrics: [] }]);
  });

  it("describes limits and account settings, and sets warm throughput on on-demand streams", async () => {
    // A fresh account per handler so counts are exact.
    const account = handler === "http2" ? "333333333333" : "444444444444";
    const c = kinesisClient(tributary.endpoint, { handler, accessKeyId: account });
    const before = await c.send(new DescribeLimitsCommand({}));
    expect(before).toMatchObject({ ShardLimit: 20000, OpenShardCount: 0, OnDemandStreamCount: 0, OnDemandStreamCountLimit: 50 });
    const name = uniqueName("warm");
    await c.send(new CreateStreamCommand({ StreamName: name, StreamModeDetails: { StreamMode: "ON_DEMAND" } }));
    await waitForActive(c, name);
    const after = await c.send(new DescribeLimitsCommand({}));
    expect(after).toMatchObject({ OpenShardCount: 4, OnDemandStreamCount: 1 });

    const settings = await c.send(new DescribeAccountSettingsCommand({}));
    expect(settings.MinimumThroughputBillingCommitment?.Status ?? "DISABLED").toBe("DISABLED");
    const noCommitment = await errorOf(c.send(new UpdateStreamWarmThroughputCommand({ StreamName: name, WarmThroughputMiBps: 100 })));
    expect(noCommitment.name).toMatch(/InvalidArgumentException|ValidationException/);

    const updated = await c.send(new UpdateAccountSettingsCommand({ MinimumThroughputBillingCommitment: { Status: "ENABLED" } }));
    expect(updated.MinimumThroughputBillingCommitment?.Status).toBe("ENABLED");
    expect(updated.MinimumThroughputBillingCommitment?.StartedAt).toBeInstanceOf(Date);
    expect((await c.send(new DescribeAccountSettingsCommand({}))).MinimumThroughputBillingCommitment?.Status).toBe("ENABLED");

    const warm = await c.send(new UpdateStreamWarmThroughputCommand({ StreamName: name, WarmThroughputMiBps: 100 }));
    expect(warm).toMatchObject({ StreamName: name, StreamARN: streamArn(name, account), WarmThroughput: { TargetMiBps: 100 } });
    await waitForActive(c, name);
    const summary = await c.send(new DescribeStreamSummaryCommand({ StreamName: name }));
    expect(summary.StreamDescriptionSummary?.WarmThroughput?.TargetMiBps).toBe(100);

    const provisioned = uniqueName("prov");
    await c.send(new CreateStreamCommand({ StreamName: provisioned, ShardCount: 1 }));
    await waitForActive(c, provisioned);
    const notOnDemand = await errorOf(c.send(new UpdateStreamWarmThroughputCommand({ StreamName: provisioned, WarmThroughputMiBps: 10 })));
    expect(notOnDemand.name).toBe("ValidationException");
    c.destroy();
  });

  it("switches stream mode both ways, keeping the shard count", async () => {
    const name = await create(2);
    const arn = streamArn(name);
    await client.send(new UpdateStreamModeCommand({ StreamARN: arn, StreamModeDetails: { StreamMode: "ON_DEMAND" } }));
    await waitForActive(client, name);
    let s = (await client.send(new DescribeStreamSummaryCommand({ StreamName: name }))).StreamDescriptionSummary;
    expect(s?.StreamModeDetails?.StreamMode).toBe("ON_DEMAND");
    expect(s?.OpenShardCount).toBe(2);
    const same = await errorOf(client.send(new UpdateStreamModeCommand({ StreamARN: arn, StreamModeDetails: { StreamMode: "ON_DEMAND" } })));
    expect(same.name).toMatch(/InvalidArgumentException|ValidationException/);
    // Resharding is for provisioned streams only.
    const split = await errorOf(client.send(new SplitShardCommand({ StreamName: name, ShardToSplit: "shardId-000000000000", NewStartingHashKey: "1000" })));
    expect(split.name).toBe("ValidationException");
    const scale = await errorOf(client.send(new UpdateShardCountCommand({ StreamName: name, TargetShardCount: 3, ScalingType: "UNIFORM_SCALING" })));
    expect(scale.name).toBe("ValidationException");
    await client.send(new UpdateStreamModeCommand({ StreamARN: arn, StreamModeDetails: { StreamMode: "PROVISIONED" } }));
    await waitForActive(client, name);
    s = (await client.send(new DescribeStreamSummaryCommand({ StreamName: name }))).StreamDescriptionSummary;
    expect(s?.StreamModeDetails?.StreamMode).toBe("PROVISIONED");
  });
});

describe("lifecycle states with non-zero transition durations", () => {
  // Transitions of 500 ms on a virtual clock: each state holds until the test moves time on, however
  // slow the machine is.
  const TRANSITION_MS = 500;
  const clock = new VirtualClock(Date.now());
  const slow = useTributary({ transitionMs: TRANSITION_MS, clock });

  it("goes CREATING -> ACTIVE -> UPDATING -> ACTIVE -> DELETING -> gone, refusing changes while not ACTIVE", async () => {
    const client = kinesisClient(slow.endpoint);
    const name = uniqueName("slow");
    const status = async () => (await client.send(new DescribeStreamSummaryCommand({ StreamName: name }))).StreamDescriptionSummary?.StreamStatus;
    await client.send(new CreateStreamCommand({ StreamName: name, ShardCount: 1 }));
    expect(await status()).toBe("CREATING");
    expect((await client.send(new ListStreamsCommand({}))).StreamSummaries?.find((x) => x.StreamName === name)?.StreamStatus).toBe("CREATING");
    const putWhileCreating = await errorOf(client.send(new PutRecordCommand({ StreamName: name, PartitionKey: "k", Data: new Uint8Array([1]) })));
    expect(putWhileCreating.name).toBe("ResourceNotFoundException");
    expect((await client.send(new DescribeStreamCommand({ StreamName: name }))).StreamDescription?.Shards).toEqual([]);
    const whileCreating = await errorOf(client.send(new IncreaseStreamRetentionPeriodCommand({ StreamName: name, RetentionPeriodHours: 48 })));
    expect(whileCreating).toMatchObject({ name: "ResourceInUseException", message: `Stream ${name} under account 000000000000 not ACTIVE, instead in state CREATING` });
    clock.advance(TRANSITION_MS);
    await waitForActive(client, name);

    // Retention changes apply at once (as in kinesalite); a reshard goes through UPDATING.
    await client.send(new UpdateShardCountCommand({ StreamName: name, TargetShardCount: 2, ScalingType: "UNIFORM_SCALING" }));
    expect(await status()).toBe("UPDATING");
    // Writes continue while UPDATING.
    const put = await client.send(new PutRecordCommand({ StreamName: name, PartitionKey: "k", Data: new Uint8Array([1]) }));
    expect(put.ShardId).toBe("shardId-000000000000");
    const whileUpdating = await errorOf(client.send(new SplitShardCommand({ StreamName: name, ShardToSplit: "shardId-000000000000", NewStartingHashKey: "12345" })));
    expect(whileUpdating.message).toBe(`Stream ${name} under account 000000000000 not ACTIVE, instead in state UPDATING`);
    clock.advance(TRANSITION_MS);
    await waitForActive(client, name);
    expect((await client.send(new DescribeStreamSummaryCommand({ StreamName: name }))).StreamDescriptionSummary?.OpenShardCount).toBe(2);

    await client.send(new DeleteStreamCommand({ StreamName: name }));
    expect(await status()).toBe("DELETING");
    // The name stays taken until the deletion completes.
    const recreate = await errorOf(client.send(new CreateStreamCommand({ StreamName: name, ShardCount: 1 })));
    expect(recreate.name).toBe("ResourceInUseException");
    expect((await client.send(new ListStreamsCommand({}))).StreamSummaries?.find((s) => s.StreamName === name)?.StreamStatus).toBe("DELETING");
    clock.advance(TRANSITION_MS);
    await waitUntil(
      async () => (await client.send(new ListStreamsCommand({}))).StreamNames?.includes(name) === false,
      "deletion",
    );
    expect((await errorOf(client.send(new DescribeStreamSummaryCommand({ StreamName: name })))).name).toBe("ResourceNotFoundException");
    client.destroy();
  });
});

describe("StreamARN, accounts and regions", () => {
  const t = useTributary();

  it("accepts StreamARN in every operation whose input has it in the model", async () => {
    // Its own account, so the billing commitment that warm throughput needs does not leak into other tests.
    const account = "555555555555";
    const client = kinesisClient(t.endpoint, { accessKeyId: account });
    const name = uniqueName("arn");
    const StreamARN = streamArn(name, account);
    await client.send(new CreateStreamCommand({ StreamName: name, ShardCount: 2 }));
    await waitForActive(client, name);
    await client.send(new UpdateAccountSettingsCommand({ MinimumThroughputBillingCommitment: { Status: "ENABLED" } }));
    let iterator = "";
    const steps: Array<[string, () => Promise<unknown>]> = [
      ["AddTagsToStream", () => client.send(new AddTagsToStreamCommand({ StreamARN, Tags: { a: "1" } }))],
      ["ListTagsForStream", async () => expect((await client.send(new ListTagsForStreamCommand({ StreamARN }))).Tags).toEqual([{ Key: "a", Value: "1" }])],
      ["RemoveTagsFromStream", () => client.send(new RemoveTagsFromStreamCommand({ StreamARN, TagKeys: ["a"] }))],
      ["IncreaseStreamRetentionPeriod", () => client.send(new IncreaseStreamRetentionPeriodCommand({ StreamARN, RetentionPeriodHours: 30 }))],
      ["DecreaseStreamRetentionPeriod", () => client.send(new DecreaseStreamRetentionPeriodCommand({ StreamARN, RetentionPeriodHours: 24 }))],
      ["EnableEnhancedMonitoring", () => client.send(new EnableEnhancedMonitoringCommand({ StreamARN, ShardLevelMetrics: ["IncomingBytes"] }))],
      ["DisableEnhancedMonitoring", () => client.send(new DisableEnhancedMonitoringCommand({ StreamARN, ShardLevelMetrics: ["IncomingBytes"] }))],
      ["StartStreamEncryption", () => client.send(new StartStreamEncryptionCommand({ StreamARN, EncryptionType: "KMS", KeyId: "alias/aws/kinesis" }))],
      ["StopStreamEncryption", () => client.send(new StopStreamEncryptionCommand({ StreamARN, EncryptionType: "KMS", KeyId: "alias/aws/kinesis" }))],
      ["DescribeStream", async () => expect((await client.send(new DescribeStreamCommand({ StreamARN }))).StreamDescription?.StreamName).toBe(name)],
      ["DescribeStreamSummary", async () => expect((await client.send(new DescribeStreamSummaryCommand({ StreamARN }))).StreamDescriptionSummary?.StreamName).toBe(name)],
      ["ListShards", async () => expect((await client.send(new ListShardsCommand({ StreamARN }))).Shards).toHaveLength(2)],
      ["PutRecord", () => client.send(new PutRecordCommand({ StreamARN, PartitionKey: "p", ExplicitHashKey: "1", Data: new Uint8Array([7]) }))],
      ["PutRecords", () => client.send(new PutRecordsCommand({ StreamARN, Records: [{ PartitionKey: "p", ExplicitHashKey: "1", Data: new Uint8Array([8]) }] }))],
      [
        "GetShardIterator",
        async () => (iterator = (await client.send(new GetShardIteratorCommand({ StreamARN, ShardId: "shardId-000000000000", ShardIteratorType: "TRIM_HORIZON" }))).ShardIterator!),
      ],
      ["GetRecords", async () => expect((await client.send(new GetRecordsCommand({ StreamARN, ShardIterator: iterator }))).Records?.map((r) => r.Data?.[0])).toEqual([7, 8])],
      ["SplitShard", () => client.send(new SplitShardCommand({ StreamARN, ShardToSplit: "shardId-000000000000", NewStartingHashKey: "1000" }))],
      ["MergeShards", () => client.send(new MergeShardsCommand({ StreamARN, ShardToMerge: "shardId-000000000002", AdjacentShardToMerge: "shardId-000000000003" }))],
      ["UpdateShardCount", () => client.send(new UpdateShardCountCommand({ StreamARN, TargetShardCount: 3, ScalingType: "UNIFORM_SCALING" }))],
      ["UpdateMaxRecordSize", () => client.send(new UpdateMaxRecordSizeCommand({ StreamARN, MaxRecordSizeInKiB: 2048 }))],
      ["RegisterStreamConsumer", () => client.send(new RegisterStreamConsumerCommand({ StreamARN, ConsumerName: "c" }))],
      ["DescribeStreamConsumer", async () => expect((await client.send(new DescribeStreamConsumerCommand({ StreamARN, ConsumerName: "c" }))).ConsumerDescription?.StreamARN).toBe(StreamARN)],
      ["ListStreamConsumers", async () => expect((await client.send(new ListStreamConsumersCommand({ StreamARN }))).Consumers).toHaveLength(1)],
      ["DeregisterStreamConsumer", () => client.send(new DeregisterStreamConsumerCommand({ StreamARN, ConsumerName: "c" }))],
      ["UpdateStreamMode", () => client.send(new UpdateStreamModeCommand({ StreamARN, StreamModeDetails: { StreamMode: "ON_DEMAND" } }))],
      ["UpdateStreamWarmThroughput", () => client.send(new UpdateStreamWarmThroughputCommand({ StreamARN, WarmThroughputMiBps: 10 }))],
      ["DeleteStream", () => client.send(new DeleteStreamCommand({ StreamARN, EnforceConsumerDeletion: true }))],
    ];
    // (StreamId is not sent here: given one, the JS SDK's endpoint rules replace the custom endpoint with
    // <StreamId>.control-kinesis.<region>.amazonaws.com; the raw-HTTP tests send it.)
    // Every operation whose input shape has StreamARN in the model is in the table above.
    const model = JSON.parse(readFileSync(new URL("../models/kinesis-2013-12-02.json", import.meta.url), "utf8")) as {
      operations: Record<string, { input?: { shape: string } }>;
      shapes: Record<string, { members?: Record<string, unknown> }>;
    };
    const withArn = Object.entries(model.operations)
      .filter(([, op]) => op.input !== undefined && "StreamARN" in (model.shapes[op.input.shape]?.members ?? {}))
      .map(([op]) => op)
      .sort();
    expect(steps.map(([op]) => op).sort()).toEqual(withArn);
    for (const [op, step] of steps) {
      try {
        await step();
        await waitForActive(client, name).catch(() => undefined);
      } catch (error) {
        throw new Error(`${op} with StreamARN failed: ${String(error)}`);
      }
    }
    // Name and ARN together must agree; a malformed ARN is refused.
    const other = uniqueName("arn2");
    await client.send(new CreateStreamCommand({ StreamName: other, ShardCount: 1 }));
    const mismatch = await errorOf(client.send(new DescribeStreamSummaryCommand({ StreamARN: streamArn(other, account), StreamName: "different" })));
    expect(mismatch.name).toBe("InvalidArgumentException");
    const malformed = await errorOf(client.send(new DescribeStreamSummaryCommand({ StreamARN: `arn:aws:kinesis:us-east-1:${account}:nope` })));
    expect(malformed.name).toMatch(/InvalidArgumentException|ValidationException/);
    client.destroy();
  });

  it("keeps two accounts and two regions apart", async () => {
    const a1 = kinesisClient(t.endpoint, { accessKeyId: "111111111111" });
    const a2 = kinesisClient(t.endpoint, { accessKeyId: "222222222222", handler: "http1" });
    const a1west = kinesisClient(t.endpoint, { accessKeyId: "111111111111", region: "us-west-2" });
    const name = "shared-name";
    await a1.send(new CreateStreamCommand({ StreamName: name, ShardCount: 1 }));
    await a2.send(new CreateStreamCommand({ StreamName: name, ShardCount: 3 }));
    await a1west.send(new CreateStreamCommand({ StreamName: name, ShardCount: 2 }));
    for (const c of [a1, a2, a1west]) await waitForActive(c, name);

    const summary = async (c: KinesisClient) => (await c.send(new DescribeStreamSummaryCommand({ StreamName: name }))).StreamDescriptionSummary;
    expect(await summary(a1)).toMatchObject({ OpenShardCount: 1, StreamARN: streamArn(name, "111111111111", "us-east-1") });
    expect(await summary(a2)).toMatchObject({ OpenShardCount: 3, StreamARN: streamArn(name, "222222222222", "us-east-1") });
    expect(await summary(a1west)).toMatchObject({ OpenShardCount: 2, StreamARN: streamArn(name, "111111111111", "us-west-2") });

    const own = await a1.send(new ListStreamsCommand({}));
    expect(own.StreamNames).toEqual([name]);
    expect((await a1.send(new DescribeLimitsCommand({}))).OpenShardCount).toBe(1);
    expect((await a2.send(new DescribeLimitsCommand({}))).OpenShardCount).toBe(3);

    await a1.send(new PutRecordCommand({ StreamName: name, PartitionKey: "x", Data: new Uint8Array([1]) }));
    await a2.send(new DeleteStreamCommand({ StreamName: name }));
    expect((await summary(a1))?.StreamStatus).toBe("ACTIVE");
    const gone = await errorOf(a2.send(new DescribeStreamSummaryCommand({ StreamName: name })));
    expect(gone).toMatchObject({ name: "ResourceNotFoundException", message: `Stream ${name} under account 222222222222 not found.` });
    // Naming another account's stream by ARN needs a resource policy that grants it.
    const foreign = await errorOf(a2.send(new DescribeStreamSummaryCommand({ StreamARN: streamArn(name, "111111111111", "us-east-1") })));
    expect(foreign.name).toBe("AccessDeniedException");
    // ...and another region's stream is never reachable, not even in the same account.
    const otherRegion = await errorOf(a1west.send(new DescribeStreamSummaryCommand({ StreamARN: streamArn(name, "111111111111", "us-east-1") })));
    expect(otherRegion.name).toBe("ResourceNotFoundException");
    const other = kinesisClient(t.endpoint, { accessKeyId: "222222222222", region: "us-west-2" });
    expect((await other.send(new ListStreamsCommand({}))).StreamNames).toEqual([]);
    for (const c of [a1, a2, a1west, other]) c.destroy();
  });
});

/**
 * The AWS CLI v2 (Debian's 2.9) against Tributary over HTTP/1.1. Its model predates the newest
 * operations, so TagResource/UntagResource/ListTagsForResource, the resource-policy operations,
 * Describe/UpdateAccountSettings, UpdateMaxRecordSize and UpdateStreamWarmThroughput are not driven
 * here (the JS SDK tests cover them). SubscribeToShard is skipped too: the CLI would hold the event stream
 * open for the session's 5 minutes (boto3's test covers the same botocore code path).
 * Each invocation costs about half a second, so independent ones run concurrently and each test checks
 * several things.
 */
import { describe, expect, it } from "vitest";
import { awsCli, awsCliMissing, type CliResult } from "./helpers/aws-cli.js";
import { kinesisClient, streamArn, uniqueName, useTributary, waitForActive } from "./helpers/tributary.js";
import { CreateStreamCommand, DescribeStreamSummaryCommand, ListStreamConsumersCommand, RegisterStreamConsumerCommand } from "@aws-sdk/client-kinesis";

const tributary = useTributary();
const ACCOUNT = "000000000000";

type Json = Record<string, unknown> & { [key: string]: Json | Json[] | string | number | boolean | undefined };
const ok = (r: CliResult): Json => {
  expect(r.stderr, r.stderr).toBe("");
  expect(r.code).toBe(0);
  return (r.json ?? {}) as Json;
};

/** CLI start-up is CPU-bound (~0.4 s each); on a loaded 2-core machine a batch can take long. */
const CLI_TEST_TIMEOUT_MS = 120_000;

describe.skipIf(awsCliMissing !== undefined)(`AWS CLI v2 ${awsCliMissing ?? ""}`, { timeout: CLI_TEST_TIMEOUT_MS }, () => {
  const aws = (...args: string[]) => awsCli(tributary.endpoint, args);

  it("drives the stream lifecycle and the control-plane operations it knows", async () => {
    const name = uniqueName("cli");
    ok(await aws("create-stream", "--stream-name", name, "--shard-count", "3"));
    const sdk = kinesisClient(tributary.endpoint);
    await waitForActive(sdk, name);

    const [summary, described, listed, shards, limits, tagged, retention, monitoring, encryption] = await Promise.all([
      aws("describe-stream-summary", "--stream-name", name),
      aws("describe-stream", "--stream-name", name),
      aws("list-streams"),
      aws("list-shards", "--stream-name", name, "--max-results", "2"),
      aws("describe-limits"),
      aws("add-tags-to-stream", "--stream-name", name, "--tags", "team=data,env=test"),
      aws("increase-stream-retention-period", "--stream-name", name, "--retention-period-hours", "48"),
      aws("enable-enhanced-monitoring", "--stream-name", name, "--shard-level-metrics", "IncomingBytes", "OutgoingBytes"),
      aws("start-stream-encryption", "--stream-name", name, "--encryption-type", "KMS", "--key-id", "alias/aws/kinesis"),
    ]);
    const s = ok(summary).StreamDescriptionSummary as Json;
    expect(s).toMatchObject({ StreamName: name, StreamARN: streamArn(name), StreamStatus: "ACTIVE", OpenShardCount: 3 });
    expect(typeof s.StreamCreationTimestamp).toBe("string"); // the CLI prints timestamps as ISO 8601
    expect(((ok(described).StreamDescription as Json).Shards as Json[]).map((x) => x.ShardId)).toEqual([
      "shardId-000000000000",
      "shardId-000000000001",
      "shardId-000000000002",
    ]);
    expect(ok(listed).StreamNames).toContain(name);
    const firstPage = ok(shards);
    expect((firstPage.Shards as Json[]).map((x) => x.ShardId)).toEqual(["shardId-000000000000", "shardId-000000000001"]);
    expect(firstPage.NextToken).toBeTruthy();
    expect(ok(limits)).toMatchObject({ ShardLimit: 20000, OnDemandStreamCountLimit: 50 });
    ok(tagged);
    ok(retention);
    expect(ok(monitoring)).toMatchObject({ StreamName: name, CurrentShardLevelMetrics: [] });
    ok(encryption);

    // Checks of state go through the SDK: no CLI start-up cost.
    const summaryNow = async () => (await sdk.send(new DescribeStreamSummaryCommand({ StreamName: name }))).StreamDescriptionSummary;
    expect(await summaryNow()).toMatchObject({ RetentionPeriodHours: 48, EncryptionType: "KMS" });
    const [tags, disabled, stopped, nextPage] = await Promise.all([
      aws("list-tags-for-stream", "--stream-name", name),
      aws("disable-enhanced-monitoring", "--stream-name", name, "--shard-level-metrics", "ALL"),
      aws("stop-stream-encryption", "--stream-name", name, "--encryption-type", "KMS", "--key-id", "alias/aws/kinesis"),
      aws("list-shards", "--next-token", String(firstPage.NextToken)),
    ]);
    expect((ok(nextPage).Shards as Json[]).map((x) => x.ShardId)).toEqual(["shardId-000000000002"]);
    expect(ok(tags)).toMatchObject({ Tags: [{ Key: "env", Value: "test" }, { Key: "team", Value: "data" }], HasMoreTags: false });
    expect(ok(disabled).DesiredShardLevelMetrics).toEqual([]);
    ok(stopped);

    const [untagged, decreased, mode] = await Promise.all([
      aws("remove-tags-from-stream", "--stream-name", name, "--tag-keys", "env"),
      aws("decrease-stream-retention-period", "--stream-name", name, "--retention-period-hours", "24"),
      aws("update-stream-mode", "--stream-arn", streamArn(name), "--stream-mode-details", "StreamMode=ON_DEMAND"),
    ]);
    ok(untagged);
    ok(decreased);
    ok(mode);
    expect(await summaryNow()).toMatchObject({ EncryptionType: "NONE", StreamModeDetails: { StreamMode: "ON_DEMAND" }, RetentionPeriodHours: 24 });
    ok(await aws("delete-stream", "--stream-name", name));
    sdk.destroy();
  });

  it("puts and gets records, and reshards", async () => {
    const name = uniqueName("cli-data");
    const sdk = kinesisClient(tributary.endpoint);
    await sdk.send(new CreateStreamCommand({ StreamName: name, ShardCount: 4 }));
    await waitForActive(sdk, name);
    const [one, many] = await Promise.all([
      aws("put-record", "--stream-name", name, "--partition-key", "user-123", "--data", "aGVsbG8=" /* "hello" in base64, the CLI's default blob format */),
      aws("put-records", "--stream-name", name, "--records", "PartitionKey=a,Data=YQ==", "PartitionKey=b,Data=Yg==,ExplicitHashKey=0"),
    ]);
    const put = ok(one);
    expect(put).toMatchObject({ ShardId: "shardId-000000000002", EncryptionType: "NONE" });
    expect(put.SequenceNumber).toMatch(/^\d{56}$/);
    const batch = ok(many);
    expect(batch.FailedRecordCount).toBe(0);
    expect((batch.Records as Json[])[1]).toMatchObject({ ShardId: "shardId-000000000000" });

    const iterator = ok(await aws("get-shard-iterator", "--stream-name", name, "--shard-id", "shardId-000000000002", "--shard-iterator-type", "AT_SEQUENCE_NUMBER", "--starting-sequence-number", String(put.SequenceNumber)));
    const records = ok(await aws("get-records", "--shard-iterator", String(iterator.ShardIterator), "--limit", "10"));
    const first = (records.Records as Json[])[0]!;
    expect(first).toMatchObject({ PartitionKey: "user-123", Data: "aGVsbG8=", SequenceNumber: put.SequenceNumber });
    expect(records.MillisBehindLatest).toBe(0);
    expect(records.NextShardIterator).toBeTruthy();

    const [split, merge] = await Promise.all([
      aws("split-shard", "--stream-name", name, "--shard-to-split", "shardId-000000000000", "--new-starting-hash-key", (1n << 125n).toString()),
      aws("merge-shards", "--stream-name", name, "--shard-to-merge", "shardId-000000000002", "--adjacent-shard-to-merge", "shardId-000000000003"),
    ]);
    // One of the two runs while the other holds the stream UPDATING only if transitions were not instant.
    ok(split);
    ok(merge);
    const scaled = ok(await aws("update-shard-count", "--stream-name", name, "--target-shard-count", "8", "--scaling-type", "UNIFORM_SCALING"));
    expect(scaled).toMatchObject({ StreamName: name, CurrentShardCount: 4, TargetShardCount: 8 });
    const [shards, again] = await Promise.all([
      aws("list-shards", "--stream-name", name, "--shard-filter", "Type=AT_LATEST"),
      aws("split-shard", "--stream-name", name, "--shard-to-split", "shardId-000000000000", "--new-starting-hash-key", "12345"),
    ]);
    expect((ok(shards).Shards as Json[]).length).toBe(8);
    expect(again.code).toBe(254);
    expect(again.stderr).toContain(
      `An error occurred (InvalidArgumentException) when calling the SplitShard operation: Shard shardId-000000000000 in stream ${name} under account ${ACCOUNT} has already been merged or split, and thus is not eligible for merging or splitting.`,
    );
    sdk.destroy();
  });

  it("registers, describes, lists and deregisters consumers", async () => {
    const name = uniqueName("cli-cons");
    const sdk = kinesisClient(tributary.endpoint);
    await sdk.send(new CreateStreamCommand({ StreamName: name, ShardCount: 1 }));
    await waitForActive(sdk, name);
    await sdk.send(new RegisterStreamConsumerCommand({ StreamARN: streamArn(name), ConsumerName: "other" }));
    const registered = ok(await aws("register-stream-consumer", "--stream-arn", streamArn(name), "--consumer-name", "cli-app"));
    const consumer = registered.Consumer as Json;
    expect(consumer.ConsumerARN).toMatch(new RegExp(`^${streamArn(name)}/consumer/cli-app:\\d+$`));
    const [described, listed] = await Promise.all([
      aws("describe-stream-consumer", "--consumer-arn", String(consumer.ConsumerARN)),
      aws("list-stream-consumers", "--stream-arn", streamArn(name)),
    ]);
    expect(ok(described).ConsumerDescription).toMatchObject({ ConsumerName: "cli-app", ConsumerStatus: "ACTIVE", StreamARN: streamArn(name) });
    expect((ok(listed).Consumers as Json[]).map((c) => c.ConsumerName).sort()).toEqual(["cli-app", "other"]);
    ok(await aws("deregister-stream-consumer", "--stream-arn", streamArn(name), "--consumer-name", "cli-app"));
    expect((await sdk.send(new ListStreamConsumersCommand({ StreamARN: streamArn(name) }))).Consumers?.map((c) => c.ConsumerName)).toEqual(["other"]);
    sdk.destroy();
  });

  it("reports service errors with exit code 254 and AWS's type and message", async () => {
    const [missing, badName] = await Promise.all([
      aws("describe-stream-summary", "--stream-name", "no-such-stream"),
      aws("create-stream", "--stream-name", "bad name!", "--shard-count", "1"),
    ]);
    expect(missing.code).toBe(254);
    expect(missing.stderr.trim()).toBe(
      `An error occurred (ResourceNotFoundException) when calling the DescribeStreamSummary operation: Stream no-such-stream under account ${ACCOUNT} not found.`,
    );
    expect(badName.code).toBe(254);
    expect(badName.stderr.trim()).toBe(
      "An error occurred (ValidationException) when calling the CreateStream operation: 1 validation error detected: Value 'bad name!' at 'streamName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+",
    );
  });
});
